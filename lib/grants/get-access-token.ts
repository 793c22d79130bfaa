import "server-only";
// getAccessToken: the one way the worker and the web app get a token for a mailbox.
// - Returns the cached access token while it has more than 5 minutes left.
// - Otherwise refreshes under the grant's refresh lease (refresh-lease.ts): any number of callers
//   in any number of processes redeem a refresh token once, no database connection is held across
//   the call to Microsoft, and waiters re-read the fresh result.
// - The rotated refresh token is stored in the same write as the new access token, the first
//   thing after Microsoft answers, and only while the lease is still the caller's.
// - Failures are classified: transient ones back off; permanent ones flag the mailbox
//   (needs_reconsent) or the app, with an event carrying the diagnosis.
import { db, Prisma } from "../db/client";
import { sealValue, unsealValue } from "../crypto";
import { notFound } from "../core/errors";
import { markTokenFailure } from "../mailboxes/mailbox-state";
import { leasedRefresh, leaseWatcher } from "./refresh-lease";

export const MIN_REMAINING_MS = 5 * 60_000;

export type TRefreshResult =
  | {
      ok: true;
      accessToken: string;
      refreshToken?: string;
      expiresIn: number;
      scopes: string[];
      /** Who the refreshed tokens belong to, when Microsoft said (an id_token): a renamed UPN is kept up to date. */
      signedIn?: { oid: string; upn: string };
    }
  | {
      ok: false;
      kind: "transient" | "permanent_grant" | "permanent_client" | "unknown";
      code: string;
      message: string;
      retryAfterSeconds?: number;
    };

export type TRefreshInput = {
  workspaceId: string;
  tenantId: string;
  mailboxId: string;
  refreshToken: string;
  resource: string;
  scopes: string[];
};
/** `prepare` runs once the lease is taken, before the call: the refresher's database reads. */
export type TRefresher = ((input: TRefreshInput, prepared?: unknown) => Promise<TRefreshResult>) & {
  prepare?: (ctx: TCtx) => Promise<unknown>;
};

export class TokenError extends Error {
  constructor(
    public kind: "transient" | "permanent_grant" | "permanent_client" | "unknown",
    public code: string,
    message: string,
    public retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "TokenError";
  }
}

export type TCtx = { workspaceId: string; tenantId: string; mailboxId: string; resource: string };
type TResult = { accessToken: string; expiresAt: Date; refreshed: boolean };

// In-process single flight: concurrent callers for one grant share one attempt, so a burst
// costs one lease, not one per caller. The lease (refresh-lease.ts) covers other processes.
const inFlight = new Map<string, Promise<TResult>>();

export async function getAccessToken(ctx: TCtx, refresh: TRefresher, opts: { forceRefresh?: boolean } = {}): Promise<TResult> {
  const key = `${ctx.workspaceId}:${ctx.tenantId}:${ctx.mailboxId}:${ctx.resource}:${opts.forceRefresh ? "force" : ""}`;
  const joined = inFlight.get(key);
  if (joined) return joined.then((r) => ({ ...r, refreshed: false }));
  const g = await readGrant(ctx);
  const cached = opts.forceRefresh ? null : servedFrom(g, ctx, null);
  if (cached) return cached;
  const running = inFlight.get(key);
  if (running) return running.then((r) => ({ ...r, refreshed: false }));
  const p = refreshLeased(ctx, refresh, opts, g).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

type TGrantRow = {
  id: string;
  workspaceId: string;
  mailboxId: string;
  upn: string;
  oid: string;
  scopes: string[];
  sealedRefreshToken: string;
  sealedAccessToken: string | null;
  accessTokenResource: string | null;
  accessTokenExpiresAt: Date | null;
  lastRefreshAt: Date | null;
  refreshLeaseUntil: Date | null;
};

/** The grant's columns a refresh reads (the sealed tokens included), in one plain query: every
 *  caller reads it, and waiters read it again while another process refreshes. */
const COLUMNS = Prisma.sql`"id", "workspaceId", "mailboxId", "upn", "oid", "scopes", "sealedRefreshToken", "sealedAccessToken",
  "accessTokenResource", "accessTokenExpiresAt", "lastRefreshAt", "refreshLeaseUntil"`;

async function readGrant(ctx: TCtx): Promise<TGrantRow> {
  const rows = await db().$queryRaw<TGrantRow[]>`
    SELECT ${COLUMNS} FROM "Grant"
    WHERE "mailboxId" = ${ctx.mailboxId} AND "workspaceId" = ${ctx.workspaceId} AND "tenantId" = ${ctx.tenantId}`;
  if (rows.length === 0) throw notFound("Grant");
  return rows[0];
}

// Waiters on other processes' leases (ids come from rows read with the caller's scope above).
const grantWatcher = leaseWatcher<TGrantRow>(
  (ids, now) =>
    db().$queryRaw<TGrantRow[]>`
      SELECT ${COLUMNS} FROM "Grant"
      WHERE "id" IN (${Prisma.join(ids)}) AND ("refreshLeaseUntil" IS NULL OR "refreshLeaseUntil" < ${now})`,
  (g) => g.id,
);

/** The stored token when it has more than MIN_REMAINING_MS left for this resource (and, for a
 *  forced refresh, was stored after `notBefore`), else null. */
function servedFrom(g: TGrantRow, ctx: TCtx, notBefore: number | null): TResult | null {
  if (!isFresh(g, ctx.resource) || (notBefore !== null && !(g.lastRefreshAt && g.lastRefreshAt.getTime() >= notBefore))) return null;
  return {
    accessToken: unsealValue(g.sealedAccessToken!, "access_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
    expiresAt: g.accessTokenExpiresAt!,
    refreshed: false,
  };
}

async function refreshLeased(ctx: TCtx, refresh: TRefresher, opts: { forceRefresh?: boolean }, first: TGrantRow): Promise<TResult> {
  // A forced refresh is satisfied by a token stored after it was asked for (by us or another process).
  const notBefore = opts.forceRefresh ? Date.now() : null;
  return leasedRefresh<TGrantRow, TResult>({
    what: "the mailbox's token refresh",
    first,
    id: (g) => g.id,
    watcher: grantWatcher,
    served: (g) => servedFrom(g, ctx, notBefore),
    leased: (g) => !!g.refreshLeaseUntil && g.refreshLeaseUntil.getTime() > Date.now(),
    // Free (or run out) and the tokens as read: a refresh stored since is served at the next read.
    claim: async (g, lease) =>
      (await db().$executeRaw`
        UPDATE "Grant" SET "refreshLeaseOwner" = ${lease.owner}, "refreshLeaseUntil" = ${lease.until}
        WHERE "id" = ${g.id} AND ("refreshLeaseUntil" IS NULL OR "refreshLeaseUntil" < ${new Date()})
          AND "sealedRefreshToken" = ${g.sealedRefreshToken}
          AND "sealedAccessToken" IS NOT DISTINCT FROM ${g.sealedAccessToken}`) === 1,
    lead: (g, lease) => redeem(ctx, refresh, g, lease.owner),
  });
}

/** Holding the grant's lease: redeem its refresh token and store the result (the rotated refresh
 *  token first of all). The lease is freed on every path. */
async function redeem(
  ctx: TCtx,
  refresh: TRefresher,
  g: {
    id: string;
    workspaceId: string;
    mailboxId: string;
    upn: string;
    oid: string;
    scopes: string[];
    sealedRefreshToken: string;
  },
  owner: string,
): Promise<TResult> {
  const mine = { id: g.id, refreshLeaseOwner: owner };
  const free = { refreshLeaseOwner: null, refreshLeaseUntil: null };
  let res: TRefreshResult;
  try {
    let prepared: unknown;
    try {
      prepared = refresh.prepare ? await refresh.prepare(ctx) : undefined;
    } catch (err) {
      res = {
        ok: false as const,
        kind: "permanent_client" as const,
        // The loader names the cause when it knows one (no active secret, a retired endpoint).
        code: (err as { diagnosis?: string } | null)?.diagnosis ?? "app_not_found_in_tenant",
        message: err instanceof Error ? err.message : "The mailbox's app registration can't be used.",
      };
      await recordFailure(ctx, res);
      throw new TokenError(res.kind, res.code, res.message);
    }
    res = await refresh(
      {
        ...ctx,
        refreshToken: unsealValue(g.sealedRefreshToken, "refresh_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
        scopes: g.scopes,
      },
      prepared,
    );
  } catch (err) {
    if (!(err instanceof TokenError))
      await db()
        .grant.updateMany({ where: mine, data: free })
        .catch(() => {});
    throw err;
  }
  if (!res.ok) {
    await db().grant.updateMany({
      where: mine,
      data: { ...free, refreshFailures: { increment: 1 }, lastErrorCode: res.code },
    });
    await recordFailure(ctx, res);
    throw new TokenError(res.kind, res.code, res.message, res.retryAfterSeconds);
  }
  const expiresAt = new Date(Date.now() + res.expiresIn * 1000);
  const now = new Date();
  const renamedTo =
    res.signedIn && res.signedIn.oid === g.oid && res.signedIn.upn && res.signedIn.upn.toLowerCase() !== g.upn
      ? res.signedIn.upn.toLowerCase()
      : null;
  const data = {
    ...free,
    sealedAccessToken: sealValue(res.accessToken, "access_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
    accessTokenResource: ctx.resource,
    accessTokenExpiresAt: expiresAt,
    lastRefreshAt: now,
    refreshFailures: 0,
    lastErrorCode: null,
    // The grant follows the object id: a UPN renamed since Connect is only a new display name.
    ...(renamedTo ? { upn: renamedTo } : {}),
    // Microsoft rotates refresh tokens on every use; keep the newest.
    ...(res.refreshToken
      ? {
          sealedRefreshToken: sealValue(res.refreshToken, "refresh_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
          refreshTokenIssuedAt: now,
        }
      : {}),
  };
  // The first thing after Microsoft answered: store the rotated refresh token (a passing database
  // error is retried). Only while the lease is ours and the grant still holds the refresh token we
  // redeemed: a re-consent in between replaced it, and its grant wins.
  const stored = await retried(() => db().grant.updateMany({ where: { ...mine, sealedRefreshToken: g.sealedRefreshToken }, data }));
  // Not stored (a re-consent replaced the grant's refresh token meanwhile): still free our lease.
  if (stored.count === 0) await db().grant.updateMany({ where: mine, data: free });
  if (stored.count === 1 && renamedTo)
    // A user mailbox whose sign-in name was the old UPN follows the rename (its next login_hint).
    await db().mailbox.updateMany({
      where: {
        id: g.mailboxId,
        workspaceId: g.workspaceId,
        kind: "user",
        OR: [{ signInName: g.upn }, { signInName: null, address: g.upn }],
      },
      data: { signInName: renamedTo },
    });
  return { accessToken: res.accessToken, expiresAt, refreshed: true };
}

async function retried<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

function isFresh(
  g: { sealedAccessToken: string | null; accessTokenResource: string | null; accessTokenExpiresAt: Date | null },
  resource: string,
) {
  return (
    !!g.sealedAccessToken &&
    g.accessTokenResource === resource &&
    !!g.accessTokenExpiresAt &&
    g.accessTokenExpiresAt.getTime() - Date.now() > MIN_REMAINING_MS
  );
}

async function recordFailure(ctx: TCtx, err: Extract<TRefreshResult, { ok: false }>) {
  await db().$transaction((tx) => markTokenFailure(tx, ctx, err));
}
