// When Consentry next redeems a mailbox's refresh token: the moment the identity platform is asked
// again, so the moment a revocation, password reset, MFA or Conditional Access change shows (an
// access token Microsoft already issued stays valid until it expires). A mailbox that syncs uses
// its token every round, so it refreshes once the cached token is within MIN_REMAINING_MS of
// expiry; any mailbox is refreshed proactively PROACTIVE_REFRESH_DAYS after its last refresh.
import { MIN_REMAINING_MS } from "./get-access-token";
import { PROACTIVE_REFRESH_DAYS } from "./proactive-refresh";

export function nextRefreshAt(
  g: { accessTokenExpiresAt: Date | null; lastRefreshAt: Date | null },
  o: { syncs: boolean; now?: Date },
): Date {
  const now = o.now ?? new Date();
  const proactive = new Date((g.lastRefreshAt ?? now).getTime() + PROACTIVE_REFRESH_DAYS * 86_400_000);
  const onUse = o.syncs && g.accessTokenExpiresAt ? new Date(g.accessTokenExpiresAt.getTime() - MIN_REMAINING_MS) : null;
  const at = onUse && onUse < proactive ? onUse : proactive;
  return at < now ? now : at;
}
