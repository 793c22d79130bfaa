import "server-only";
// Keeps every grant used at least every few days, so Microsoft's 90-day inactivity limit
// (AADSTS700082) never hits a quiet mailbox. One mailbox's failure never stops the others.
import { db } from "../db/client";
import { TokenError, type TRefresher } from "./get-access-token";
import { mailboxToken } from "./mailbox-token";
import { withMailboxTrace } from "../trace/mailbox-trace";

export const PROACTIVE_REFRESH_DAYS = 6;

export type TProactiveResult = { refreshed: number; failed: { mailboxId: string; code: string }[] };

export async function refreshStaleGrants(opts: {
  refresher: TRefresher;
  now?: Date;
  maxAgeDays?: number;
  limit?: number;
  /** Narrows the sweep (tests that share one database with other files). */
  workspaceIds?: string[];
}): Promise<TProactiveResult> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - (opts.maxAgeDays ?? PROACTIVE_REFRESH_DAYS) * 86_400_000);
  const stale = await db().grant.findMany({
    where: {
      OR: [{ lastRefreshAt: null }, { lastRefreshAt: { lt: cutoff } }],
      ...(opts.workspaceIds ? { workspaceId: { in: opts.workspaceIds } } : {}),
      // A paused mailbox keeps its grant alive too, so a resume never meets an expired one.
      mailbox: {
        OR: [
          { state: { in: ["connected", "degraded", "failing"] } },
          { state: "disabled", stateBeforePause: { in: ["connected", "degraded", "failing"] } },
        ],
      },
    },
    orderBy: { lastRefreshAt: "asc" },
    take: opts.limit ?? 200,
    select: {
      workspaceId: true,
      tenantId: true,
      mailboxId: true,
      mailbox: { select: { inbound: true, outbound: true } },
      tenant: { select: { cloud: true } },
    },
  });
  const out: TProactiveResult = { refreshed: 0, failed: [] };
  for (const g of stale) {
    const usesGraph = g.mailbox.inbound === "graph" || (g.mailbox.inbound === "none" && g.mailbox.outbound === "graph");
    try {
      const ref = { workspaceId: g.workspaceId, tenantId: g.tenantId, mailboxId: g.mailboxId };
      await withMailboxTrace(ref, "refresh", () =>
        mailboxToken({ ...ref, cloud: g.tenant.cloud }, usesGraph ? "graph" : "imap", { refresher: opts.refresher, forceRefresh: true }),
      );
      out.refreshed += 1;
    } catch (err) {
      out.failed.push({ mailboxId: g.mailboxId, code: err instanceof TokenError ? err.code : "unknown" });
    }
  }
  return out;
}
