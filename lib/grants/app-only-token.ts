import "server-only";
// appOnlyToken: the app's own (client credentials) access token for one tenant and one resource,
// shared by every app-only mailbox on that app. Like getAccessToken for grants:
// - the cached token (sealed in AppOnlyToken) is served while it has more than 5 minutes left and
//   was minted with the app's current active secret (a rotation takes over at the next call);
// - otherwise one caller across all processes takes the row's refresh lease (refresh-lease.ts:
//   an UPDATE that only one wins, on the `refreshingUntil` column), calls Microsoft holding no
//   database connection, and stores the result; the others are woken by the lease watcher once
//   it is free and read the stored token (a dead caller's lease simply runs out);
// - failures are classified by lib/diagnostics like a refresh failure.
import { db } from "../db/client";
import { sealValue, unsealValue } from "../crypto";
import { classifyTokenFailure } from "../diagnostics/classify";
import { clientCredentials } from "../microsoft/token-client";
import { loadAppForConsent, tokenUrlFor } from "./load-app-for-consent";
import { MIN_REMAINING_MS, TokenError } from "./get-access-token";
import { leasedRefresh, leaseWatcher, type TLease } from "./refresh-lease";

export type TAppOnlyRef = { workspaceId: string; tenantId: string; appRegistrationId: string };
export type TAppOnlyToken = {
  accessToken: string;
  expiresAt: Date;
  /** The token's `roles`: the application permissions Entra granted the app in this tenant. */
  roles: string[];
  /** The token's `oid`: the tenant's service principal (enterprise application) object id. */
  spObjectId: string | null;
  tid: string | null;
  refreshed: boolean;
};

/** The claims Consentry reads from its own app token (straight from the token endpoint over TLS). */
export function appTokenClaims(accessToken: string): { roles: string[]; oid: string | null; tid: string | null } {
  try {
    const p = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    return {
      roles: Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === "string") : [],
      oid: typeof p.oid === "string" ? p.oid : null,
      tid: typeof p.tid === "string" ? p.tid : null,
    };
  } catch {
    return { roles: [], oid: null, tid: null };
  }
}

type TRow = {
  id: string;
  sealedAccessToken: string | null;
  expiresAt: Date | null;
  roles: string[];
  spObjectId: string | null;
  tid: string | null;
  secretId: string | null;
  lastRefreshAt: Date | null;
  lastErrorCode: string | null;
  workspaceId: string;
  refreshingUntil: Date | null;
};

const SELECT = {
  id: true,
  sealedAccessToken: true,
  expiresAt: true,
  roles: true,
  spObjectId: true,
  tid: true,
  secretId: true,
  lastRefreshAt: true,
  lastErrorCode: true,
  workspaceId: true,
  refreshingUntil: true,
} as const;

// Waiters on other processes' leases (ids come from rows read with the caller's scope below).
const watcher = leaseWatcher<TRow>(
  (ids, now) =>
    db().appOnlyToken.findMany({
      where: { id: { in: ids }, OR: [{ refreshingUntil: null }, { refreshingUntil: { lt: now } }] },
      select: SELECT,
    }),
  (row) => row.id,
);

const inFlight = new Map<string, Promise<TAppOnlyToken>>();

export async function appOnlyToken(ref: TAppOnlyRef, resource: string, opts: { forceRefresh?: boolean } = {}): Promise<TAppOnlyToken> {
  const key = `${ref.workspaceId}:${ref.tenantId}:${ref.appRegistrationId}:${resource}:${opts.forceRefresh ? "force" : ""}`;
  const running = inFlight.get(key);
  if (running) return running.then((r) => ({ ...r, refreshed: false }));
  const p = obtain(ref, resource, opts).finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

async function activeSecretId(ref: TAppOnlyRef): Promise<string | null> {
  const s = await db().appSecret.findFirst({
    where: { appRegistrationId: ref.appRegistrationId, workspaceId: ref.workspaceId, status: "active" },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  return s?.id ?? null;
}

function usable(row: TRow, secretId: string | null, notBefore: number | null): boolean {
  return (
    !!row.sealedAccessToken &&
    !!row.expiresAt &&
    row.expiresAt.getTime() - Date.now() > MIN_REMAINING_MS &&
    row.secretId === secretId &&
    (notBefore === null || (!!row.lastRefreshAt && row.lastRefreshAt.getTime() >= notBefore))
  );
}

function served(ref: TAppOnlyRef, row: TRow, refreshed: boolean): TAppOnlyToken {
  return {
    accessToken: unsealValue(row.sealedAccessToken!, "access_token", { workspaceId: ref.workspaceId, rowId: row.id }),
    expiresAt: row.expiresAt!,
    roles: row.roles,
    spObjectId: row.spObjectId,
    tid: row.tid,
    refreshed,
  };
}

async function obtain(ref: TAppOnlyRef, resource: string, opts: { forceRefresh?: boolean }): Promise<TAppOnlyToken> {
  const where = { appRegistrationId_tenantId_resource: { appRegistrationId: ref.appRegistrationId, tenantId: ref.tenantId, resource } };
  // A forced refresh is satisfied by a token minted after it was asked for (by us or another process).
  const notBefore = opts.forceRefresh ? Date.now() : null;
  await db().appOnlyToken.createMany({
    data: [{ workspaceId: ref.workspaceId, tenantId: ref.tenantId, appRegistrationId: ref.appRegistrationId, resource }],
    skipDuplicates: true,
  });
  const [first, secretId] = await Promise.all([db().appOnlyToken.findUniqueOrThrow({ where, select: SELECT }), activeSecretId(ref)]);
  if (first.workspaceId !== ref.workspaceId) throw new TokenError("permanent_client", "app_not_found_in_tenant", "Unknown app.");
  return leasedRefresh<TRow, TAppOnlyToken>({
    what: "the app token",
    first,
    id: (row) => row.id,
    watcher,
    served: (row) => (usable(row, secretId, notBefore) ? served(ref, row, false) : null),
    leased: (row) => !!row.refreshingUntil && row.refreshingUntil.getTime() > Date.now(),
    // Free (or run out) and the token as read: one stored since is served at the next read.
    claim: async (row, lease) =>
      (await db().$executeRaw`
        UPDATE "AppOnlyToken" SET "refreshingUntil" = ${lease.until}
        WHERE "id" = ${row.id} AND ("refreshingUntil" IS NULL OR "refreshingUntil" < ${new Date()})
          AND "sealedAccessToken" IS NOT DISTINCT FROM ${row.sealedAccessToken}`) === 1,
    lead: (row, lease) => mint(ref, resource, row.id, lease),
  });
}

/** Holding the row's lease (no owner column: the lease is told apart by its `until`): mint with
 *  the app's current secret and store the result. The lease is freed on every path. */
async function mint(ref: TAppOnlyRef, resource: string, rowId: string, lease: TLease): Promise<TAppOnlyToken> {
  const mine = { id: rowId, refreshingUntil: lease.until };
  try {
    let loaded;
    try {
      loaded = await loadAppForConsent(ref);
    } catch (err) {
      throw new TokenError("permanent_client", "secret_missing", err instanceof Error ? err.message : "The app can't be used.");
    }
    const res = await clientCredentials(
      { tokenUrl: tokenUrlFor(loaded.ms), cloud: loaded.ms.cloud, clientId: loaded.ms.clientId, clientSecret: loaded.ms.clientSecret },
      { scope: `${resource.replace(/\/$/, "")}/.default` },
    );
    if (!res.ok) {
      const c = classifyTokenFailure(res);
      // Without a user there is no grant to re-consent: a refused app token is the app's or the
      // tenant's consent problem (grant-kind failures stay as classified, so admin consent is asked).
      const noted = await db().appOnlyToken.updateMany({ where: mine, data: { lastErrorCode: c.diagnosis.code, refreshingUntil: null } });
      if (noted.count === 0) await db().appOnlyToken.update({ where: { id: rowId }, data: { lastErrorCode: c.diagnosis.code } });
      throw new TokenError(c.kind, c.diagnosis.code, c.diagnosis.evidence.summary || c.diagnosis.title, res.retryAfterSeconds ?? undefined);
    }
    const claims = appTokenClaims(res.accessToken);
    const expiresAt = new Date(Date.now() + res.expiresIn * 1000);
    const data = {
      sealedAccessToken: sealValue(res.accessToken, "access_token", { workspaceId: ref.workspaceId, rowId }),
      expiresAt,
      roles: claims.roles,
      spObjectId: claims.oid,
      tid: claims.tid,
      secretId: loaded.secretId,
      lastRefreshAt: new Date(),
      lastErrorCode: null,
    };
    // Stored and the lease freed in one write; a lease that ran out and was taken over meanwhile
    // is left to its new holder (the token is stored all the same).
    const stored = await db().appOnlyToken.updateMany({ where: mine, data: { ...data, refreshingUntil: null } });
    if (stored.count === 0) await db().appOnlyToken.update({ where: { id: rowId }, data });
    return { accessToken: res.accessToken, expiresAt, roles: claims.roles, spObjectId: claims.oid, tid: claims.tid, refreshed: true };
  } catch (err) {
    await db()
      .appOnlyToken.updateMany({ where: mine, data: { refreshingUntil: null } })
      .catch(() => {});
    throw err;
  }
}

/** What the mailbox page's token panel shows of an app token: never its value. */
export async function appOnlyTokenInfo(ref: TAppOnlyRef) {
  return db().appOnlyToken.findMany({
    where: { workspaceId: ref.workspaceId, tenantId: ref.tenantId, appRegistrationId: ref.appRegistrationId },
    select: { resource: true, expiresAt: true, roles: true, spObjectId: true, lastRefreshAt: true, lastErrorCode: true },
    orderBy: { resource: "asc" },
  });
}
