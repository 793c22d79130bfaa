// What the mailbox page says about its state, decided in one place so no card contradicts another:
// the "Connected" banner, the token panel, the age of the last connection test and the first-sync
// wait. Pure functions of what the server sent (unit-tested), used by components/mailboxes/*.
import { describe } from "@/lib/diagnostics/describe";

type TState = string;
type TGrant = {
  accessTokenExpiresAt: string | null;
  lastRefreshAt: string | null;
  refreshFailures: number;
  lastErrorCode: string | null;
};
type TMailboxLike = { state: TState; stateCode: string | null; grant: TGrant | null; lastSyncAt: string | null };

const BAD = ["degraded", "failing", "needs_reconsent"];
/** Codes that mean a protocol (or Microsoft's token endpoint) refused the token Consentry holds. */
export type TTokenStatus = { tone: "green" | "amber" | "red" | "slate"; text: string };

const TOKEN_REFUSED = ["imap_auth_failed", "pop_auth_failed", "smtp_auth_failed", "graph_invalid_token"];

/**
 * The banner after Connect: green "first sync starts now" only while nothing says otherwise; when
 * the connection test found a problem, it says so (amber) instead of promising a sync; none when
 * the grant is already dead (the diagnosis says it all).
 */
export function connectedBanner(m: TMailboxLike & { grant: { upn: string } | null }, justConnected: boolean): TTokenStatus | null {
  if (!justConnected || !m.grant || m.state === "needs_reconsent" || m.state === "disabled") return null;
  if (!m.stateCode) return { tone: "green", text: `Connected as ${m.grant.upn}. The first sync starts now.` };
  const title = describe(m.stateCode)!.title;
  const still = m.state === "degraded" ? " Receiving mail still syncs." : "";
  return {
    tone: "amber",
    text: `Connected as ${m.grant.upn}, but the connection test found a problem: ${title}. The fix is below.${still}`,
  };
}

/** The access token line: what Consentry knows, not only the expiry it was issued with. */
export function tokenStatus(m: TMailboxLike, now = Date.now()): TTokenStatus {
  const g = m.grant;
  if (!g) return { tone: "slate", text: "—" };
  const expires = g.accessTokenExpiresAt ? new Date(g.accessTokenExpiresAt).getTime() : null;
  const left = expires && expires > now ? ` (issued until ${new Date(expires).toISOString().slice(11, 16)} UTC)` : "";
  if (m.state === "needs_reconsent") {
    const why = describe(g.lastErrorCode ?? m.stateCode)?.title ?? "Microsoft refused the grant";
    return { tone: "red", text: `Not usable: ${why}. Microsoft refuses new tokens until the mailbox is re-consented.` };
  }
  if (g.refreshFailures > 0) {
    const why = describe(g.lastErrorCode)?.title ?? "unknown error";
    return {
      tone: "amber",
      text: `The last refresh failed (${why}); Consentry retries. The token it holds may be refused${left}.`,
    };
  }
  if (m.stateCode && TOKEN_REFUSED.includes(m.stateCode)) {
    return { tone: "red", text: `Refused at its last use (${describe(m.stateCode)!.title})${left}.` };
  }
  if (expires === null) return { tone: "slate", text: "none held (fetched on next use)" };
  if (expires <= now) return { tone: "slate", text: "expired (refreshed on next use)" };
  const mins = Math.round((expires - now) / 60_000);
  return { tone: "green", text: `valid for ${mins < 60 ? `${Math.max(0, mins)} min` : `${Math.round(mins / 60)} h`}` };
}

export type TTestFreshness = { stale: boolean; note: string | null };

/**
 * Whether the last connection test still describes the mailbox: a test that ran before the mailbox
 * went bad (or that passed while the mailbox now fails) is history, said so with both times.
 */
export function testFreshness(
  m: TMailboxLike,
  lastTest: { ok: boolean; at: string; steps?: { ok: boolean; diagnosis?: { code: string } }[] } | null,
  stateSince: string | null,
): TTestFreshness {
  if (!lastTest || !BAD.includes(m.state)) return { stale: false, note: null };
  // The test whose failure the mailbox shows is the current picture (it set the state).
  if (m.stateCode && lastTest.steps?.some((s) => !s.ok && s.diagnosis?.code === m.stateCode)) return { stale: false, note: null };
  const ranBefore = stateSince ? new Date(lastTest.at).getTime() < new Date(stateSince).getTime() : lastTest.ok;
  if (!ranBefore && !lastTest.ok) return { stale: false, note: null };
  if (!ranBefore && lastTest.ok) {
    return {
      stale: true,
      note: "This test passed, but the mailbox has failed since in its sync or a refresh. Run Test connection for the current picture.",
    };
  }
  const at = new Date(lastTest.at).toISOString().replace("T", " ").slice(0, 16);
  const since = stateSince ? new Date(stateSince).toISOString().replace("T", " ").slice(0, 16) : null;
  return {
    stale: true,
    note: `These results are from ${at} UTC, before the mailbox started failing${since ? ` (${since} UTC)` : ""}. Run Test connection for the current picture.`,
  };
}

/** The Mail card while nothing was synced yet: says whether a worker is there to do it. */
export function firstSyncText(m: TMailboxLike, workersAlive: number | undefined, folder: string): string {
  if ((m.state === "failing" || m.state === "needs_reconsent") && m.stateCode)
    return `No sync until the problem above is fixed (${describe(m.stateCode)!.title}).`;
  if (workersAlive === undefined) return `Waiting for the first sync of ${folder}.`;
  if (workersAlive > 0) return `Waiting for the first sync of ${folder}: a worker is running and picks it up within seconds.`;
  return "Waiting for the first sync, but no worker is running: start one (npm run worker) and it picks this mailbox up at once.";
}
