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
      // Sizes first (RFC822.SIZE), so batches are cut by bytes and oversized mail is never downloaded.
      const sizes = new Map<number, number>();
      if (uids.length)
        for await (const m of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
      const sizeOf = (u: number) => sizes.get(u) ?? 0;
      const big = (u: number) => sizeOf(u) > limits.maxMessageBytes;
      const st: TSyncState = {
        ...mb.syncState,
        imap: { folder: mb.folder, uidValidity, lastUid },
        progress: { done: 0, total: uids.length, startedAt: new Date().toISOString() },
      };
      // A poll that found nothing new under the same cursor writes nothing (no progress to show).
      if (uids.length || prev?.folder !== mb.folder || prev?.uidValidity !== uidValidity) await saveState(ctx, st);
      // With "keep", the whole range comes in one streaming FETCH (as a bare client would read it)
      // and each planned batch is stored as soon as its messages are in, while the rest keep
      // arriving. Any other after-processing touches the server's copy, so each batch is fetched,
      // stored, then acted on, one at a time.
      const overlap = mb.afterProcessing === "keep";
      const plan = planBatches(uids, (u) => (big(u) ? 0 : sizeOf(u)), limits.maxBatchBytes);
      let done = 0;
      // Hands a batch to the storer once the previous one is stored (so at most one batch is being
      // written while the next arrives); lastUid only moves once its batch is stored, so a failure
      // resumes from there.
      const hand = async (chunk: number[], got: TIncoming[]) => {
        got.sort((a, b) => uidOfImapKey(a.sourceKey) - uidOfImapKey(b.sourceKey));
        done += chunk.length;
        const doneNow = done;
        await storing;
        storing = store.save(got).then(async () => {
          st.imap!.lastUid = chunk[chunk.length - 1];
          st.progress!.done = Math.min(uids.length, doneNow);
          await saveState(ctx, st);
        });
        storing.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
      };
      if (overlap) await streamBatches(client, uidValidity, plan, big, sizeOf, hand);
      else
        for (const chunk of plan) {
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
          await hand(chunk, got);
          await storing;
          await afterImap(
            client,
            mb,
            chunk.filter((u) => !store.unkept.has(imapSourceKey(uidValidity, u))),
          );
        }
      await storing;
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
    const failure = signedIn ? imapFailure(err) : imapSignInFailure(err, client);
    return { outcome: { ok: false, failure }, tokenExpired: imapTokenExpired(err) || imapTokenExpired(client) };
  } finally {
    await closeImap(client);
  }
}

/** The planned batches read with one FETCH of all their small messages (oversized ones first, as
 *  summaries without content). A batch is handed on once all its messages are in; one whose
 *  message vanished meanwhile (expunged) goes when the FETCH ends. */
async function streamBatches(
  client: ImapFlow,
  uidValidity: string,
  plan: number[][],
  big: (u: number) => boolean,
  sizeOf: (u: number) => number,
  hand: (chunk: number[], got: TIncoming[]) => Promise<void>,
) {
  const chunkOf = new Map<number, number>();
  plan.forEach((c, i) => c.forEach((u) => chunkOf.set(u, i)));
  const got: TIncoming[][] = plan.map(() => []);
  const left = plan.map((c) => c.length);
  let next = 0;
  const flushReady = async () => {
    for (; next < plan.length && left[next] === 0; next++) {
      await hand(plan[next], got[next]);
      got[next] = []; // handed on: not held twice
    }
  };
  const add = (m: TIncoming) => {
    const i = chunkOf.get(uidOfImapKey(m.sourceKey));
    if (i === undefined || i < next) return;
    got[i].push(m);
    left[i]--;
  };
  const all = plan.flat();
  const large = all.filter(big);
  if (large.length)
    for await (const m of client.fetch(large.join(","), { uid: true, envelope: true, internalDate: true, size: true }, { uid: true }))
      add(tooLarge(incomingFromImap(uidValidity, m), m.size ?? sizeOf(m.uid)));
  const small = all.filter((u) => !big(u));
  if (small.length)
    for await (const m of client.fetch(uidSet(small), { uid: true, source: true, internalDate: true }, { uid: true })) {
      add(incomingFromImap(uidValidity, m));
      await flushReady();
    }
  for (; next < plan.length; next++) await hand(plan[next], got[next]);
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
