import "server-only";
// The worker's sync loop: claim due mailboxes (leases), sync each with its lease renewed per batch,
// release with the next due time. A mailbox's failure is its own; the loop goes on.
import { db } from "../db/client";
import { claimDueMailboxes, releaseLease, renewLease } from "./claim";
import { nextSyncDelayMs, syncMailbox, type TSyncState } from "./sync-mailbox";
import type { TLogFields } from "../log/logger";

// Short leases, renewed on a timer while a worker works: a dead worker's mailboxes are taken over
// within LEASE_MS (seconds), while a live one keeps them however long a sync takes.
export const LEASE_MS = 30_000;
const RENEW_MS = 10_000;

export async function syncDueMailboxes(
  workerId: string,
  opts: { concurrency: number; log?: (line: string, fields?: TLogFields) => void; only?: string[] },
): Promise<number> {
  const claimed = await claimDueMailboxes(workerId, { limit: opts.concurrency, leaseMs: LEASE_MS, only: opts.only });
  await Promise.all(
    claimed.map(async (c) => {
      const ctx = { workspaceId: c.workspaceId, tenantId: c.tenantId, mailboxId: c.id };
      let delay = 60_000;
      let held = true;
      const renew = setInterval(() => {
        renewLease(c.id, workerId, LEASE_MS)
          .then((ok) => (held = held && ok))
          .catch(() => undefined);
      }, RENEW_MS);
      try {
        const r = await syncMailbox(ctx, { onBatch: async () => held && (await renewLease(c.id, workerId, LEASE_MS)) });
        const failures =
          ((await db().mailbox.findUnique({ where: { id: c.id }, select: { syncState: true } }))?.syncState as TSyncState | null)
            ?.failures ?? 0;
        delay = nextSyncDelayMs(r, failures);
        if (r.ok && r.stored) opts.log?.(`synced ${r.stored} from mailbox ${c.id}`, { ...ctx, stored: r.stored });
        if (!r.ok) opts.log?.(`mailbox ${c.id}: ${r.code}${r.transient ? " (will retry)" : ""}`, { ...ctx, code: r.code });
      } catch (err) {
        opts.log?.(`mailbox ${c.id}: sync crashed: ${(err as Error).message}`, { ...ctx, err });
        delay = 5 * 60_000;
      } finally {
        clearInterval(renew);
        await releaseLease(c.id, workerId, new Date(Date.now() + delay)).catch(() => undefined);
      }
    }),
  );
  return claimed.length;
}
