import "server-only";
// The IMAP reader of a sync round: new UIDs after the last one stored (per UIDVALIDITY), fetched in
// batches, stored, then the after-processing action on the server's copy. Sizes come first
// (RFC822.SIZE), so batches are cut by bytes and oversized mail is never downloaded; the
// after-processing leaves originals whose content wasn't kept. Exchange ends a session whose token
// has expired (`* BYE Session invalidated - AccessTokenExpired`, at the next command): the reader
// then signs in again with a fresh token and resumes from the last stored UID, so a folder that
// takes longer to read than a token lives is still read whole, each message stored once.
import type { ImapFlow } from "imapflow";
import { db } from "../db/client";
import { closeImap, imapClient, imapFailure, imapSignInFailure, imapTokenExpired } from "../mail/imap";
import {
  imapResumeUid,
  imapSourceKey,
  incomingFromImap,
  newUids,
  planBatches,
  tooLarge,
  uidOfImapKey,
  type TCtx,
  type TIncoming,
  type TLimits,
  type TMailboxRow,
  type TOutcome,
  type TSyncState,
} from "./bookkeeping";
import { LeaseLost, type TStorer } from "./storer";
import { saveState, syncEvent } from "./sync-writes";

/** Batches being written while the stream goes on (memory: this many batches plus the one filling). */
const STORES_IN_FLIGHT = 2;
/** Messages per batch when streaming (fewer, larger INSERTs; still capped by maxBatchBytes). */
const STREAM_BATCH = 250;
/** Progress (lastUid, done/total) is saved at most this often, and at the end of a session. */
const PROGRESS_EVERY_MS = 500;

/** Sessions a round may open after the first, each after a token expiry. */
export const MAX_TOKEN_RENEWALS = 5;

/** `renew`: a fresh access token (the round's one has expired under a running session). */
export async function readImap(
  ctx: TCtx,
  mb: TMailboxRow,
  hp: { host: string; port: number },
  accessToken: string,
  store: TStorer,
  limits: TLimits,
  renew?: () => Promise<string>,
): Promise<TOutcome> {
  let token = accessToken;
  let row = mb;
  for (let renewals = 0; ; renewals++) {
    const r = await readImapSession(ctx, row, hp, token, store, limits);
    if (r.outcome.ok || !r.tokenExpired || !renew || renewals >= MAX_TOKEN_RENEWALS) return r.outcome;
    try {
      token = await renew();
    } catch {
      return r.outcome; // the token failure is already recorded on the mailbox (getAccessToken)
    }
    // Resume from what the ended session stored: its lastUid is in the saved state.
    const fresh = await db().mailbox.findUniqueOrThrow({ where: { id: ctx.mailboxId }, select: { syncState: true } });
    row = { ...row, syncState: (fresh.syncState as TSyncState | null) ?? {} };
  }
}

async function readImapSession(
  ctx: TCtx,
  mb: TMailboxRow,
  hp: { host: string; port: number },
  accessToken: string,
  store: TStorer,
  limits: TLimits,
): Promise<{ outcome: TOutcome; tokenExpired: boolean }> {
  const client = imapClient({ hosts: { imap: hp }, user: mb.address, accessToken });
  // The batch being stored while the next is fetched: awaited before a failed session returns, so
  // a resumed session starts from its saved lastUid.
  let storing: Promise<void> = Promise.resolve();
  // Saves the progress not yet saved (lastUid of what is stored): set once the state is known.
  let flushState = async () => undefined as void;
  let signedIn = false;
  try {
    await client.connect();
    signedIn = true;
    const lock = await client.getMailboxLock(mb.folder);
    try {
      const uidValidity = String(client.mailbox ? client.mailbox.uidValidity : "");
      const lastUid = imapResumeUid(mb.syncState.imap, mb.folder, uidValidity);
      const prev = mb.syncState.imap;
      if (prev && prev.folder === mb.folder && prev.uidValidity && prev.uidValidity !== uidValidity)
        await syncEvent(
          ctx,
          "info",
          "imap_uidvalidity_changed",
          `${mb.folder} was rebuilt (UIDVALIDITY ${prev.uidValidity} → ${uidValidity}); reading it again, skipping messages already stored.`,
          { evidence: `UIDVALIDITY ${prev.uidValidity} → ${uidValidity}`, transient: true },
        );
      const uids = newUids(await client.search({ uid: `${lastUid + 1}:*` }, { uid: true }), lastUid);
      // With "keep", the whole range comes in one streaming FETCH (as a bare client would read it)
      // and batches are cut as messages arrive, each stored while the rest keep arriving. Any other
      // after-processing touches the server's copy, so each batch is fetched, stored, then acted
      // on, one at a time.
      const overlap = mb.afterProcessing === "keep";
      // Oversized mail is never downloaded. Streaming, one SEARCH LARGER names it; batch by batch,
      // sizes come first (RFC822.SIZE), so batches are cut by bytes before they're fetched.
      const sizes = new Map<number, number>();
      let bigOnes = new Set<number>();
      if (uids.length && overlap)
        bigOnes = new Set(
          newUids(await client.search({ uid: `${lastUid + 1}:*`, larger: limits.maxMessageBytes }, { uid: true }), lastUid),
        );
      else if (uids.length)
        for await (const m of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
      const sizeOf = (u: number) => sizes.get(u) ?? 0;
      const big = overlap ? (u: number) => bigOnes.has(u) : (u: number) => sizeOf(u) > limits.maxMessageBytes;
      const st: TSyncState = {
        ...mb.syncState,
        imap: { folder: mb.folder, uidValidity, lastUid },
        progress: { done: 0, total: uids.length, startedAt: new Date().toISOString() },
      };
      // A poll that found nothing new under the same cursor writes nothing (no progress to show).
      if (uids.length || prev?.folder !== mb.folder || prev?.uidValidity !== uidValidity) await saveState(ctx, st);
      let done = 0;
      let savedAt = performance.now();
      // Hands a batch to the storer: at most STORES_IN_FLIGHT batches are being written while the
      // next arrives (the FETCH waits for a free slot, so memory stays bounded). Batches complete
      // in order, and lastUid only moves once its batch (and every one before it) is stored, so a
      // failure resumes from there. Progress is saved at most every PROGRESS_EVERY_MS (and once at
      // the end, or when the session fails: flushState).
      const inFlight: Promise<void>[] = [];
      const hand = async (got: TIncoming[], safeUid: number) => {
        done += got.length;
        const doneNow = done;
        while (inFlight.length >= STORES_IN_FLIGHT) await inFlight.shift();
        const saved = store.save(got);
        saved.catch(() => undefined); // surfaced through `storing`
        storing = storing.then(async () => {
          await saved;
          st.imap!.lastUid = Math.max(st.imap!.lastUid, safeUid);
          st.progress!.done = Math.min(uids.length, doneNow);
          dirty = true;
          if (performance.now() - savedAt >= PROGRESS_EVERY_MS) await flushState();
        });
        storing.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
        inFlight.push(storing);
      };
      let dirty = false;
      flushState = async () => {
        if (!dirty) return;
        dirty = false;
        savedAt = performance.now();
        await saveState(ctx, st);
      };
      if (overlap) await streamBatches(client, uidValidity, uids, big, limits.maxBatchBytes, hand);
      else
        for (const chunk of planBatches(uids, (u) => (big(u) ? 0 : sizeOf(u)), limits.maxBatchBytes)) {
          const got: TIncoming[] = [];
          const small = chunk.filter((u) => !big(u));
          const large = chunk.filter(big);
          if (small.length)
            for await (const m of client.fetch(small.join(","), { uid: true, source: true, internalDate: true }, { uid: true }))
              got.push(incomingFromImap(uidValidity, m));
          if (large.length)
            for await (const m of client.fetch(
              large.join(","),
              { uid: true, envelope: true, internalDate: true, size: true },
              { uid: true },
            ))
              got.push(tooLarge(incomingFromImap(uidValidity, m), m.size ?? sizeOf(m.uid)));
          got.sort((a, b) => uidOfImapKey(a.sourceKey) - uidOfImapKey(b.sourceKey));
          await hand(got, chunk[chunk.length - 1]);
          await storing;
          await afterImap(
            client,
            mb,
            chunk.filter((u) => !store.unkept.has(imapSourceKey(uidValidity, u))),
          );
        }
      await storing;
      await flushState();
      return { outcome: { ok: true }, tokenExpired: false };
    } finally {
      lock.release();
    }
  } catch (err) {
    const stored = await storing.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (err instanceof LeaseLost || stored instanceof LeaseLost) return { outcome: { ok: true }, tokenExpired: false };
    // What was stored before the failure is on record, so a resumed session starts after it.
    await flushState().catch(() => undefined);
    const failure = signedIn ? imapFailure(err) : imapSignInFailure(err, client);
    return { outcome: { ok: false, failure }, tokenExpired: imapTokenExpired(err) || imapTokenExpired(client) };
  } finally {
    await closeImap(client);
  }
}

/** The new UIDs read with one FETCH of all their small messages (oversized ones first, as
 *  summaries without content), cut into batches as they arrive: at most STREAM_BATCH messages and
 *  maxBatchBytes of MIME (one big message alone). `safeUid` handed with a batch: every UID up to it
 *  is in this batch or an earlier one (or vanished, expunged meanwhile); the FETCH's end covers all. */
async function streamBatches(
  client: ImapFlow,
  uidValidity: string,
  uids: number[],
  big: (u: number) => boolean,
  maxBatchBytes: number,
  hand: (got: TIncoming[], safeUid: number) => Promise<void>,
) {
  const large = uids.filter(big);
  const small = uids.filter((u) => !big(u));
  // Summaries of oversized mail (small notes), joined to the stream in UID order.
  const summaries: TIncoming[] = [];
  if (large.length)
    for await (const m of client.fetch(uidSet(large), { uid: true, envelope: true, internalDate: true, size: true }, { uid: true }))
      summaries.push(tooLarge(incomingFromImap(uidValidity, m), m.size ?? 0));
  summaries.sort((a, b) => uidOfImapKey(a.sourceKey) - uidOfImapKey(b.sourceKey));
  let nextSummary = 0;
  // The first requested UID not yet arrived: what's below it is covered.
  const arrived = new Set<number>();
  let pending = 0;
  const safe = () => {
    while (pending < uids.length && (arrived.has(uids[pending]) || big(uids[pending]))) pending++;
    return pending < uids.length ? uids[pending] - 1 : uids[uids.length - 1];
  };
  let cur: TIncoming[] = [];
  let bytes = 0;
  const add = async (m: TIncoming) => {
    if (cur.length && (cur.length >= STREAM_BATCH || bytes + m.raw.length > maxBatchBytes)) {
      const out = cur;
      cur = [];
      bytes = 0;
      await hand(out, Math.min(safe(), uidOfImapKey(out[out.length - 1].sourceKey)));
    }
    cur.push(m);
    bytes += m.raw.length;
  };
  if (small.length)
    for await (const f of client.fetch(uidSet(small), { uid: true, source: true, internalDate: true }, { uid: true })) {
      const m = incomingFromImap(uidValidity, f);
      while (nextSummary < summaries.length && uidOfImapKey(summaries[nextSummary].sourceKey) < f.uid) await add(summaries[nextSummary++]);
      await add(m);
      arrived.add(f.uid);
    }
  while (nextSummary < summaries.length) await add(summaries[nextSummary++]);
  if (cur.length || uids.length) await hand(cur, uids[uids.length - 1]);
}

/** Ascending UIDs as a compact IMAP sequence set ("5:900,902,904:1000"). */
export function uidSet(sorted: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

async function afterImap(client: ImapFlow, mb: TMailboxRow, uids: number[]) {
  if (!uids.length) return;
  const range = uids.join(",");
  if (mb.afterProcessing === "mark_read") await client.messageFlagsAdd(range, ["\\Seen"], { uid: true });
  else if (mb.afterProcessing === "move" && mb.moveToFolder) await client.messageMove(range, mb.moveToFolder, { uid: true });
  else if (mb.afterProcessing === "delete") await client.messageDelete(range, { uid: true });
}
