import "server-only";
// The POP3 reader of a sync round. POP3 has one folder and no flags: unique ids (UIDL) say what is
// new, and the only after-processing is delete, sent only once the batch is stored (QUIT commits it).
import { db } from "../db/client";
import { openPop3, popFailure, type Pop3Client } from "../mail/pop3";
import { BATCH, incomingFromRaw, popSourceKey, type TCtx, type TIncoming, type TMailboxRow, type TOutcome, type TSyncState } from "./bookkeeping";
import { LeaseLost, type TStorer } from "./storer";
import { saveState } from "./sync-writes";

export async function readPop(ctx: TCtx, mb: TMailboxRow, hp: { host: string; port: number }, accessToken: string, store: TStorer): Promise<TOutcome> {
  let client: Pop3Client | null = null;
  try {
    client = await openPop3({ hosts: { pop: hp }, user: mb.address, accessToken });
    const list = await client.uidl();
    const known = new Set((await db().message.findMany({ where: { mailboxId: ctx.mailboxId, sourceKey: { in: list.map((l) => popSourceKey(l.uid)) } }, select: { sourceKey: true } })).map((m) => m.sourceKey));
    const todo = list.filter((l) => !known.has(popSourceKey(l.uid)));
    const st: TSyncState = { ...mb.syncState, progress: { done: 0, total: todo.length, startedAt: new Date().toISOString() } };
    await saveState(ctx, st);
    for (let i = 0; i < todo.length; i += BATCH) {
      const chunk = todo.slice(i, i + BATCH);
      const got: TIncoming[] = [];
      for (const m of chunk) got.push(incomingFromRaw(popSourceKey(m.uid), await client.retr(m.n)));
      await store.save(got);
      st.progress!.done = Math.min(todo.length, i + chunk.length);
      await saveState(ctx, st);
    }
    // Delete what is stored (known before, or just stored), if asked to.
    if (mb.afterProcessing === "delete") for (const m of list) await client.dele(m.n);
    await client.quit();
    return { ok: true };
  } catch (err) {
    client?.close();
    if (err instanceof LeaseLost) return { ok: true };
    return { ok: false, failure: popFailure(err) };
  }
}
