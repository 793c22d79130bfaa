import "server-only";
// The worker's sync of one claimed mailbox: synced with its lease renewed per batch (the lease is
// the fencing token: a lost lease stops the round's writes), then released with the next due time
// (and, after a good round, lastSyncAt, in the same UPDATE). A mailbox's failure is its own.
// `syncDueMailboxes` is one round of claim-and-sync (tests, the bench, "sync now"); the worker runs
// the continuous pool in lib/sync/scheduler.ts.
import { claimDueMailboxes, releaseLease, renewLease, type TClaimed } from "./claim";
import { db } from "../db/client";
import { nextSyncDelayMs, PUSHED_SYNC_INTERVAL_MS, SYNC_INTERVAL_MS, syncMailbox, type TSyncState } from "./sync-mailbox";
import { fenceWrites } from "./sync-writes";
import type { TLogFields } from "../log/logger";

// Short leases, renewed on a timer while a worker works: a dead worker's mailboxes are taken over
// within LEASE_MS (seconds), or sooner once its heartbeat stops (releaseDeadWorkerLeases), while a
// live one keeps them however long a sync takes.
export const LEASE_MS = 30_000;
const RENEW_MS = 10_000;

export type TSyncLog = (line: string, fields?: TLogFields) => void;

/** Syncs one mailbox this worker has claimed and releases its lease (never throws). */
export async function syncClaimed(workerId: string, c: TClaimed, log?: TSyncLog): Promise<void> {
  const ctx = { workspaceId: c.workspaceId, tenantId: c.tenantId, mailboxId: c.id };
  fenceWrites(ctx, workerId);
  let delay = 60_000;
  let synced = false;
  let held = true;
  const renew = setInterval(() => {
    renewLease(c.id, workerId, LEASE_MS)
      .then((ok) => (held = held && ok))
      .catch(() => undefined);
  }, RENEW_MS);
  try {
    const r = await syncMailbox(ctx, {
      deferLastSyncAt: true,
      onBatch: async () => held && (held = await renewLease(c.id, workerId, LEASE_MS)),
    });
    // The failure count is read only after a failure (a good round needs none).
    const failures = r.ok
      ? 0
      : (((await db().mailbox.findUnique({ where: { id: c.id }, select: { syncState: true } }))?.syncState as TSyncState | null)
          ?.failures ?? 0);
    delay = nextSyncDelayMs(r, failures);
    synced = r.ok;
    if (r.ok && r.stored) log?.(`synced ${r.stored} from mailbox ${c.id}`, { ...ctx, stored: r.stored });
    if (!r.ok) log?.(`mailbox ${c.id}: ${r.code}${r.transient ? " (will retry)" : ""}`, { ...ctx, code: r.code });
  } catch (err) {
    log?.(`mailbox ${c.id}: sync crashed: ${(err as Error).message}`, { ...ctx, err });
    delay = 5 * 60_000;
  } finally {
    clearInterval(renew);
    // A plain good round of a pushed mailbox: only the safety-net poll (pushes start its syncs).
    const pushed = synced && delay === SYNC_INTERVAL_MS ? new Date(Date.now() + PUSHED_SYNC_INTERVAL_MS) : undefined;
    await releaseLease(c.id, workerId, new Date(Date.now() + delay), synced ? new Date() : undefined, pushed).catch(() => undefined);
  }
}

export async function syncDueMailboxes(workerId: string, opts: { concurrency: number; log?: TSyncLog; only?: string[] }): Promise<number> {
  const claimed = await claimDueMailboxes(workerId, { limit: opts.concurrency, leaseMs: LEASE_MS, only: opts.only });
  await Promise.all(claimed.map((c) => syncClaimed(workerId, c, opts.log)));
  return claimed.length;
}
