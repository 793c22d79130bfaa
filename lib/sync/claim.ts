import "server-only";
// Work sharing between any number of workers on any number of machines: a worker claims due
// mailboxes with a lease (FOR UPDATE SKIP LOCKED, so two workers never take the same one), renews
// it while it works, and a dead worker's leases simply expire and are claimed by the others.
import { db, Prisma } from "../db/client";
import { SYNCABLE_STATES_SQL } from "../core/scope";

export type TClaimed = { id: string; workspaceId: string; tenantId: string };

/** `only` narrows the claim to some mailboxes (a "sync now" of one mailbox; tests sharing a database). */
export async function claimDueMailboxes(
  workerId: string,
  opts: { limit: number; leaseMs: number; now?: Date; only?: string[] },
): Promise<TClaimed[]> {
  const now = opts.now ?? new Date();
  const only = opts.only ? Prisma.sql`AND "id" IN (${Prisma.join(opts.only.length ? opts.only : [""])})` : Prisma.empty;
  const until = new Date(now.getTime() + opts.leaseMs);
  return db().$queryRaw<TClaimed[]>`
    UPDATE "Mailbox" SET "leaseOwner" = ${workerId}, "leaseExpiresAt" = ${until}
    WHERE "id" IN (
      SELECT "id" FROM "Mailbox"
      WHERE "state" IN (${SYNCABLE_STATES_SQL}) AND "inbound" IN ('imap', 'pop', 'graph')
        AND ("nextSyncAt" IS NULL OR "nextSyncAt" <= ${now})
        AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now}) ${only}
      ORDER BY "nextSyncAt" ASC NULLS FIRST
      LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING "id", "workspaceId", "tenantId"`;
}

/** Extends our lease; false when it was lost (expired and taken), so the caller must stop. */
export async function renewLease(mailboxId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const r = await db().mailbox.updateMany({
    where: { id: mailboxId, leaseOwner: workerId },
    data: { leaseExpiresAt: new Date(Date.now() + leaseMs) },
  });
  return r.count === 1;
}

/** Lets the mailbox go (if still ours) with its next due time; `syncedAt` records a good round in
 *  the same UPDATE (lastSyncAt). `pushedNextSyncAt`: the due time instead when the mailbox's new
 *  mail is pushed right now (a live IDLE watch, an unexpired Graph subscription). */
export async function releaseLease(mailboxId: string, workerId: string, nextSyncAt: Date, syncedAt?: Date, pushedNextSyncAt?: Date) {
  const now = new Date();
  const next = pushedNextSyncAt
    ? Prisma.sql`CASE WHEN ("watchOwner" IS NOT NULL AND "watchExpiresAt" > ${now})
        OR EXISTS (SELECT 1 FROM "GraphSubscription" s WHERE s."mailboxId" = "Mailbox"."id" AND s."expiresAt" > ${now})
        THEN ${pushedNextSyncAt}::timestamp ELSE ${nextSyncAt}::timestamp END`
    : Prisma.sql`${nextSyncAt}::timestamp`;
  await db().$executeRaw`
    UPDATE "Mailbox" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "nextSyncAt" = ${next}
      ${syncedAt ? Prisma.sql`, "lastSyncAt" = ${syncedAt}` : Prisma.empty}
    WHERE "id" = ${mailboxId} AND "leaseOwner" = ${workerId}`;
}

/** A worker whose heartbeat is older than this is dead (it beats every WORKER_HEARTBEAT_SECONDS). */
export const deadAfterMs = (heartbeatSeconds: number) => Math.max(3 * heartbeatSeconds * 1000 + 1000, 4000);

/** Frees the sync leases and IMAP watch leases of dead workers (heartbeat older than `deadAfter`,
 *  or stopped with leases left), so the living claim those mailboxes at once instead of waiting for
 *  the leases to expire. Any worker may run it (each beat): one statement marks such heartbeats
 *  "dead" and releases what they held, so a worker is reaped once (an empty join costs nothing). A
 *  worker that was only paused and comes back beats "running" again and finds its leases gone:
 *  renewLease answers false and its round stops (the lease is the fencing token; a batch it
 *  stored meanwhile is deduplicated by source key and Message-ID). Returns mailboxes released. */
export async function releaseDeadWorkerLeases(deadAfter: number, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - deadAfter);
  return db().$executeRaw`
    WITH dead AS (
      UPDATE "WorkerHeartbeat" SET "status" = 'dead'
      WHERE ("status" = 'running' AND "lastBeatAt" < ${before}) OR "status" = 'stopped'
      RETURNING "id")
    UPDATE "Mailbox" m SET
      "leaseOwner" = CASE WHEN m."leaseOwner" = d."id" THEN NULL ELSE m."leaseOwner" END,
      "leaseExpiresAt" = CASE WHEN m."leaseOwner" = d."id" THEN NULL ELSE m."leaseExpiresAt" END,
      "watchOwner" = CASE WHEN m."watchOwner" = d."id" THEN NULL ELSE m."watchOwner" END,
      "watchExpiresAt" = CASE WHEN m."watchOwner" = d."id" THEN NULL ELSE m."watchExpiresAt" END
    FROM dead d
    WHERE m."leaseOwner" = d."id" OR m."watchOwner" = d."id"`;
}
