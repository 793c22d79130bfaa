import "server-only";
// The POP3 reader of a sync round. POP3 has one folder and no flags: unique ids (UIDL) say what is
// new, and the only after-processing is delete, sent only once the batch is stored (QUIT commits it).
// Sizes come first (LIST): batches are cut by bytes, and oversized mail is read as headers only.
// A session the server ends under it (the sign-in token expired) is resumed with a fresh token.
import { db } from "../db/client";
import { openPop3, popFailure, popSessionEnded, type Pop3Client } from "../mail/pop3";
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

/** How many times a round signs in again after the server ended its session (token expiry). */
const MAX_RESUMES = 3;

/**
 * One POP3 round. `freshToken` gives a newly refreshed access token: Exchange ends a POP3 session
 * when the token it signed in with expires, so a long round signs in again and resumes, and UIDL
 * bookkeeping (what is stored is known by its unique id) keeps it exactly-once: nothing stored
 * twice, nothing skipped. Deletions are sent only in the session that ends with QUIT (an ended
 * session commits none of its DELEs), so nothing is deleted before it is stored.
 */
export async function readPop(
  ctx: TCtx,
  mb: TMailboxRow,
  hp: { host: string; port: number },
  accessToken: string,
  store: TStorer,
  limits: TLimits,
  freshToken?: () => Promise<string>,
): Promise<TOutcome> {
  const progress = { done: 0, total: -1, startedAt: new Date().toISOString() };
  let token = accessToken;
  for (let resumes = 0; ; resumes++) {
    let client: Pop3Client | null = null;
    let signedIn = false;
    try {
      client = await openPop3({ hosts: { pop: hp }, user: mb.address, accessToken: token });
      signedIn = true;
      await popSession(ctx, mb, client, store, limits, progress);
      return { ok: true };
    } catch (err) {
      client?.close();
      if (err instanceof LeaseLost) return { ok: true };
      if (signedIn && popSessionEnded(err) && freshToken && resumes < MAX_RESUMES) {
        try {
          token = await freshToken();
        } catch {
          return { ok: false, failure: popFailure(err) };
        }
        continue;
      }
      return { ok: false, failure: popFailure(err) };
    }
  }
}

/** One signed-in session: what is new by UIDL, stored in byte-cut batches, then deletions and QUIT. */
async function popSession(
  ctx: TCtx,
  mb: TMailboxRow,
  client: Pop3Client,
  store: TStorer,
  limits: TLimits,
  progress: { done: number; total: number; startedAt: string },
) {
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
  if (progress.total < 0) progress.total = todo.length; // a resumed session keeps the round's total
  const st: TSyncState = { ...mb.syncState, progress: { ...progress } };
  await saveState(ctx, st);
  // Sizes first (LIST): batches are cut by bytes, and oversized mail is read as headers only (TOP n 0).
  const sizes = todo.length ? await client.list() : new Map<number, number>();
  const sizeOf = (n: number) => sizes.get(n) ?? 0;
  const big = (n: number) => sizeOf(n) > limits.maxMessageBytes;
  for (const chunk of planBatches(todo, (m) => (big(m.n) ? 0 : sizeOf(m.n)), limits.maxBatchBytes)) {
    const got: TIncoming[] = [];
    for (const m of chunk)
      got.push(
        big(m.n)
          ? tooLarge(incomingFromRaw(popSourceKey(m.uid), await client.top(m.n, 0)), sizeOf(m.n))
          : incomingFromRaw(popSourceKey(m.uid), await client.retr(m.n)),
      );
    await store.save(got);
    progress.done += chunk.length;
    st.progress!.done = Math.min(progress.total, progress.done);
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
}
