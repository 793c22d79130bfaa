import "server-only";
// getAccessToken: the one way the worker and the web app get a token for a mailbox.
// - Returns the cached access token while it has more than 5 minutes left.
// - Otherwise refreshes under a row lock (SELECT … FOR UPDATE), so any number of callers in any
//   number of processes redeem a refresh token once; waiters re-read the fresh result.
// - The rotated refresh token is stored in the same transaction as the new access token.
// - Failures are classified: transient ones back off; permanent ones flag the mailbox
//   (needs_reconsent) or the app, with an event carrying the diagnosis.
import { db } from "../db/client";
import { sealValue, unsealValue } from "../crypto";
import { notFound } from "../core/errors";
import { markTokenFailure } from "../mailboxes/mailbox-state";

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
/** `prepare` runs before the row lock is taken: database reads inside the locked transaction
 *  would need a second pool connection while up to pool-size callers wait on the lock. */
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
// costs one transaction, not one per caller. The row lock below covers other processes.
const inFlight = new Map<string, Promise<TResult>>();

export async function getAccessToken(ctx: TCtx, refresh: TRefresher, opts: { forceRefresh?: boolean } = {}): Promise<TResult> {
  const cached = await readCached(ctx);
  if (cached && !opts.forceRefresh) return { ...cached, refreshed: false };
  const key = `${ctx.workspaceId}:${ctx.tenantId}:${ctx.mailboxId}:${ctx.resource}:${opts.forceRefresh ? "force" : ""}`;
  const running = inFlight.get(key);
  if (running) return running.then((r) => ({ ...r, refreshed: false }));
  const p = refreshLocked(ctx, refresh, opts).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

async function refreshLocked(ctx: TCtx, refresh: TRefresher, opts: { forceRefresh?: boolean }): Promise<TResult> {
  let prepared: unknown;
  try {
    prepared = refresh.prepare ? await refresh.prepare(ctx) : undefined;
  } catch (err) {
    const e = {
      ok: false as const,
      kind: "permanent_client" as const,
      // The loader names the cause when it knows one (no active secret, a retired endpoint).
      code: (err as { diagnosis?: string } | null)?.diagnosis ?? "app_not_found_in_tenant",
      message: err instanceof Error ? err.message : "The mailbox's app registration can't be used.",
    };
    await recordFailure(ctx, e);
    throw new TokenError(e.kind, e.code, e.message);
  }

  const requestedAt = Date.now();
  const outcome = await db().$transaction(
    async (tx) => {
      // The row lock is the single flight: a second caller blocks here until the first commits.
      const locked = await tx.$queryRaw<
        { id: string }[]
      >`SELECT "id" FROM "Grant" WHERE "mailboxId" = ${ctx.mailboxId} AND "workspaceId" = ${ctx.workspaceId} AND "tenantId" = ${ctx.tenantId} FOR UPDATE`;
      if (locked.length === 0) throw notFound("Grant");
      const g = await tx.grant.findUniqueOrThrow({
        where: { id: locked[0].id },
        omit: { sealedRefreshToken: false, sealedAccessToken: false },
      });
      if (!opts.forceRefresh && isFresh(g, ctx.resource)) {
        return {
          ok: true as const,
          accessToken: unsealValue(g.sealedAccessToken!, "access_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
          expiresAt: g.accessTokenExpiresAt!,
          refreshed: false,
        };
      }
      if (opts.forceRefresh && g.lastRefreshAt && g.lastRefreshAt.getTime() >= requestedAt && isFresh(g, ctx.resource)) {
        // Someone force-refreshed a moment ago while we waited for the lock: reuse theirs.
        return {
          ok: true as const,
          accessToken: unsealValue(g.sealedAccessToken!, "access_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
          expiresAt: g.accessTokenExpiresAt!,
          refreshed: false,
        };
      }
      const res = await refresh(
        {
          ...ctx,
          refreshToken: unsealValue(g.sealedRefreshToken, "refresh_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
          scopes: g.scopes,
        },
        prepared,
      );
      if (!res.ok) {
        await tx.grant.update({ where: { id: g.id }, data: { refreshFailures: { increment: 1 }, lastErrorCode: res.code } });
        return { ok: false as const, error: res };
      }
      const expiresAt = new Date(Date.now() + res.expiresIn * 1000);
      const now = new Date();
      await tx.grant.update({
        where: { id: g.id },
        data: {
          sealedAccessToken: sealValue(res.accessToken, "access_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
          accessTokenResource: ctx.resource,
          accessTokenExpiresAt: expiresAt,
          lastRefreshAt: now,
          refreshFailures: 0,
          lastErrorCode: null,
          // The grant follows the object id: a UPN renamed since Connect is only a new display name.
          ...(res.signedIn && res.signedIn.oid === g.oid && res.signedIn.upn && res.signedIn.upn.toLowerCase() !== g.upn
            ? { upn: res.signedIn.upn.toLowerCase() }
            : {}),
          // Microsoft rotates refresh tokens on every use; keep the newest.
          ...(res.refreshToken
            ? {
                sealedRefreshToken: sealValue(res.refreshToken, "refresh_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
                refreshTokenIssuedAt: now,
              }
            : {}),
        },
      });
      const renamedTo =
        res.signedIn && res.signedIn.oid === g.oid && res.signedIn.upn && res.signedIn.upn.toLowerCase() !== g.upn
          ? res.signedIn.upn.toLowerCase()
          : null;
      // A user mailbox whose sign-in name was the old UPN follows the rename (its next login_hint).
      if (renamedTo)
        await tx.mailbox.updateMany({
          where: {
            id: g.mailboxId,
            workspaceId: g.workspaceId,
            kind: "user",
            OR: [{ signInName: g.upn }, { signInName: null, address: g.upn }],
          },
          data: { signInName: renamedTo },
        });
      return { ok: true as const, accessToken: res.accessToken, expiresAt, refreshed: true };
    },
    { timeout: 60_000, maxWait: 60_000 },
  );

  if (outcome.ok) return outcome;
  await recordFailure(ctx, outcome.error);
  throw new TokenError(outcome.error.kind, outcome.error.code, outcome.error.message, outcome.error.retryAfterSeconds);
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

async function readCached(ctx: TCtx) {
  const g = await db().grant.findFirst({
    where: { mailboxId: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    omit: { sealedAccessToken: false },
  });
  if (!g) throw notFound("Grant");
  if (!isFresh(g, ctx.resource)) return null;
  return {
    accessToken: unsealValue(g.sealedAccessToken!, "access_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
    expiresAt: g.accessTokenExpiresAt!,
  };
}

async function recordFailure(ctx: TCtx, err: Extract<TRefreshResult, { ok: false }>) {
  await db().$transaction((tx) => markTokenFailure(tx, ctx, err));
}
