import "server-only";
// The worker's sending side. Workers claim due messages with FOR UPDATE SKIP LOCKED and a claim
// deadline (a crashed worker's claims expire and are taken again), send each as composed, and
// record the outcome. Transient failures back off and retry; permanent ones fail with their
// diagnosis; a mailbox that needs re-consent holds its mail until it is connected again.
import { db } from "../db/client";
import { sendRawFromMailbox } from "./send-from-mailbox";
import { redact } from "../microsoft/parse-error";
import type { TLogFields } from "../log/logger";

export const CLAIM_MS = 2 * 60_000;
export const MAX_ATTEMPTS = 6;
/** Queued mail older than this is given up on (a mailbox left unconnected for days). */
export const MAX_AGE_MS = 3 * 86_400_000;
const HOLD_MS = 5 * 60_000;

type TClaimed = {
  id: string;
  workspaceId: string;
  tenantId: string;
  mailboxId: string;
  attempts: number;
  recipients: string[];
  rawMime: Uint8Array;
  internetMessageId: string | null;
};

/** `workspaceIds` narrows the claim (tests that share one database with other files). */
export async function claimOutbound(workerId: string, opts: { limit: number; now?: Date; workspaceIds?: string[] }): Promise<TClaimed[]> {
  const now = opts.now ?? new Date();
  const until = new Date(now.getTime() + CLAIM_MS);
  return db().$queryRaw<TClaimed[]>`
    UPDATE "OutboundMessage" SET "status" = 'sending', "claimedBy" = ${workerId}, "claimedUntil" = ${until}, "attempts" = "attempts" + 1
    WHERE "id" IN (
      SELECT o."id" FROM "OutboundMessage" o JOIN "Mailbox" m ON m."id" = o."mailboxId"
      WHERE ((o."status" = 'queued' AND o."nextAttemptAt" <= ${now}) OR (o."status" = 'sending' AND o."claimedUntil" < ${now}))
        AND m."state" IN ('connected', 'degraded', 'failing')
        AND (${opts.workspaceIds ?? null}::text[] IS NULL OR o."workspaceId" = ANY(${opts.workspaceIds ?? null}::text[]))
      ORDER BY o."nextAttemptAt" ASC
      LIMIT ${opts.limit}
      FOR UPDATE OF o SKIP LOCKED)
    RETURNING "id", "workspaceId", "tenantId", "mailboxId", "attempts", "recipients", "rawMime", "internetMessageId"`;
}

export const retryDelayMs = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 30 * 60_000);

async function sendOne(c: TClaimed, workerId: string, log?: (l: string, fields?: TLogFields) => void) {
  const ctx = { workspaceId: c.workspaceId, tenantId: c.tenantId, mailboxId: c.mailboxId };
  const mine = { id: c.id, claimedBy: workerId, status: "sending" as const };
  const r = await sendRawFromMailbox(ctx, { raw: Buffer.from(c.rawMime), recipients: c.recipients });
  const event = (level: "info" | "warn" | "error", code: string, message: string, detail?: object) =>
    db().event.create({ data: { ...ctx, level, code, message, detail: { outboundId: c.id, messageId: c.internetMessageId, ...detail } } });
  if (r.ok) {
    await db().outboundMessage.updateMany({
      where: mine,
      data: { status: "sent", sentAt: new Date(), claimedBy: null, claimedUntil: null, lastErrorCode: null, lastError: null },
    });
    await event(
      "info",
      "outbound_sent",
      `Sent ${c.internetMessageId ?? c.id} to ${c.recipients.length} recipient(s) over ${r.protocol.toUpperCase()}.`,
    );
    return;
  }
  const d = r.diagnosis;
  const evidence = redact(d.evidence.summary).slice(0, 1000);
  const mb = await db().mailbox.findUnique({ where: { id: c.mailboxId }, select: { state: true } });
  if (mb?.state === "needs_reconsent" || mb?.state === "pending_consent") {
    // Not the message's fault: hold it (this attempt doesn't count) until the mailbox is connected.
    await db().outboundMessage.updateMany({
      where: mine,
      data: {
        status: "queued",
        attempts: { decrement: 1 },
        nextAttemptAt: new Date(Date.now() + HOLD_MS),
        claimedBy: null,
        claimedUntil: null,
        lastErrorCode: d.code,
        lastError: evidence,
      },
    });
    await event("warn", "outbound_held", `Holding ${c.internetMessageId ?? c.id}: the mailbox needs re-consent before it can send.`, {
      diagnosis: d.code,
    });
    log?.(`outbound ${c.id}: held (${d.code})`, { workspaceId: c.workspaceId, tenantId: c.tenantId, mailboxId: c.mailboxId });
    return;
  }
  if (d.retryable && d.transient && c.attempts < MAX_ATTEMPTS) {
    const delay = retryDelayMs(c.attempts);
    await db().outboundMessage.updateMany({
      where: mine,
      data: {
        status: "queued",
        nextAttemptAt: new Date(Date.now() + delay),
        claimedBy: null,
        claimedUntil: null,
        lastErrorCode: d.code,
        lastError: evidence,
      },
    });
    await event(
      "warn",
      "outbound_retry",
      `Send of ${c.internetMessageId ?? c.id} failed (${d.title}); retry ${c.attempts + 1} of ${MAX_ATTEMPTS} in ${Math.round(delay / 1000)} s.`,
      { diagnosis: d.code, evidence },
    );
    log?.(`outbound ${c.id}: ${d.code}, retry in ${delay} ms`, {
      workspaceId: c.workspaceId,
      tenantId: c.tenantId,
      mailboxId: c.mailboxId,
    });
    return;
  }
  await db().outboundMessage.updateMany({
    where: mine,
    data: { status: "failed", claimedBy: null, claimedUntil: null, lastErrorCode: d.code, lastError: evidence },
  });
  await event("error", "outbound_failed", `Could not send ${c.internetMessageId ?? c.id}: ${d.title}.`, {
    diagnosis: d.code,
    evidence,
    attempts: c.attempts,
  });
  log?.(`outbound ${c.id}: failed (${d.code})`, { workspaceId: c.workspaceId, tenantId: c.tenantId, mailboxId: c.mailboxId });
}

/** One round: claim up to `concurrency` messages and send them in parallel. Returns how many. */
export async function sendDueOutbound(
  workerId: string,
  opts: { concurrency: number; log?: (l: string, fields?: TLogFields) => void; workspaceIds?: string[] },
): Promise<number> {
  const claimed = await claimOutbound(workerId, { limit: opts.concurrency, workspaceIds: opts.workspaceIds });
  await Promise.all(
    claimed.map((c) =>
      sendOne(c, workerId, opts.log).catch(async (err) => {
        opts.log?.(`outbound ${c.id}: send crashed: ${(err as Error).message}`);
        await db()
          .outboundMessage.updateMany({
            where: { id: c.id, claimedBy: workerId, status: "sending" },
            data: { status: "queued", nextAttemptAt: new Date(Date.now() + retryDelayMs(c.attempts)), claimedBy: null, claimedUntil: null },
          })
          .catch(() => undefined);
      }),
    ),
  );
  return claimed.length;
}

/** Gives up on mail queued for longer than MAX_AGE_MS (housekeeping). */
export async function expireStaleOutbound(now = new Date()): Promise<number> {
  const stale = await db().outboundMessage.findMany({
    where: { status: "queued", createdAt: { lt: new Date(now.getTime() - MAX_AGE_MS) } },
    select: { id: true, workspaceId: true, tenantId: true, mailboxId: true, internetMessageId: true },
  });
  for (const s of stale) {
    const r = await db().outboundMessage.updateMany({
      where: { id: s.id, status: "queued" },
      data: { status: "failed", lastErrorCode: "outbound_expired", lastError: "Not sent within 3 days." },
    });
    if (r.count)
      await db().event.create({
        data: {
          workspaceId: s.workspaceId,
          tenantId: s.tenantId,
          mailboxId: s.mailboxId,
          level: "error",
          code: "outbound_expired",
          message: `Gave up on ${s.internetMessageId ?? s.id}: not sent within 3 days (the mailbox was never reconnected).`,
        },
      });
  }
  return stale.length;
}
