import "server-only";
// The POP3 reader of a sync round. POP3 has one folder and no flags: unique ids (UIDL) say what is
// new, and the only after-processing is delete, sent only once the batch is stored (QUIT commits it).
// Sizes come first (LIST): batches are cut by bytes, and oversized mail is read as headers only.
import { db } from "../db/client";
import { openPop3, popFailure, type Pop3Client } from "../mail/pop3";
import {
  incomingFromRaw,
  planBatches,
  popSourceKey,
  tooLarge,
  type TCtx,
  type TIncoming,
  type TLimits,
  type TMailboxRow,
  type TOutcome,
  type TSyncState,
} from "./bookkeeping";
import { LeaseLost, unkeptSourceKeys, type TStorer } from "./storer";
import { saveState } from "./sync-writes";

export async function readPop(
  ctx: TCtx,
  mb: TMailboxRow,
  hp: { host: string; port: number },
  accessToken: string,
  store: TStorer,
  limits: TLimits,
): Promise<TOutcome> {
  let client: Pop3Client | null = null;
  try {
    client = await openPop3({ hosts: { pop: hp }, user: mb.address, accessToken });
    const list = await client.uidl();
    const known = new Set(
      (
        await db().message.findMany({
          where: { mailboxId: ctx.mailboxId, sourceKey: { in: list.map((l) => popSourceKey(l.uid)) } },
          select: { sourceKey: true },
        })
      ).map((m) => m.sourceKey),
    );
    const todo = list.filter((l) => !known.has(popSourceKey(l.uid)));
    const st: TSyncState = { ...mb.syncState, progress: { done: 0, total: todo.length, startedAt: new Date().toISOString() } };
    await saveState(ctx, st);
    // Sizes first (LIST): batches are cut by bytes, and oversized mail is read as headers only (TOP n 0).
    const sizes = todo.length ? await client.list() : new Map<number, number>();
    const sizeOf = (n: number) => sizes.get(n) ?? 0;
    const big = (n: number) => sizeOf(n) > limits.maxMessageBytes;
    let done = 0;
    for (const chunk of planBatches(todo, (m) => (big(m.n) ? 0 : sizeOf(m.n)), limits.maxBatchBytes)) {
      const got: TIncoming[] = [];
      for (const m of chunk)
        got.push(
          big(m.n)
            ? tooLarge(incomingFromRaw(popSourceKey(m.uid), await client.top(m.n, 0)), sizeOf(m.n))
            : incomingFromRaw(popSourceKey(m.uid), await client.retr(m.n)),
        );
      await store.save(got);
      done += chunk.length;
      st.progress!.done = Math.min(todo.length, done);
      await saveState(ctx, st);
    }
    // Delete what is stored (known before, or just stored), if asked to; never mail whose content
    // wasn't kept (too large or refused, in this round or an earlier one).
    if (mb.afterProcessing === "delete") {
      const unkept = new Set([
        ...store.unkept,
        ...(await unkeptSourceKeys(
          ctx.mailboxId,
          list.map((l) => popSourceKey(l.uid)),
        )),
      ]);
      for (const m of list) if (!unkept.has(popSourceKey(m.uid))) await client.dele(m.n);
    }
    await client.quit();
    return { ok: true };
  } catch (err) {
    client?.close();
    if (err instanceof LeaseLost) return { ok: true };
    return { ok: false, failure: popFailure(err) };
  }
}
