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

export async function releaseLease(mailboxId: string, workerId: string, nextSyncAt: Date) {
  await db().mailbox.updateMany({
    where: { id: mailboxId, leaseOwner: workerId },
    data: { leaseOwner: null, leaseExpiresAt: null, nextSyncAt },
  });
}
