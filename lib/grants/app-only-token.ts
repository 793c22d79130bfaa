import "server-only";
// appOnlyToken: the app's own (client credentials) access token for one tenant and one resource,
// shared by every app-only mailbox on that app. Like getAccessToken for grants:
// - the cached token (sealed in AppOnlyToken) is served while it has more than 5 minutes left and
//   was minted with the app's current active secret (a rotation takes over at the next call);
// - otherwise one caller across all processes takes the row's refresh lease (an UPDATE that only
//   one wins), calls Microsoft holding no database connection, and stores the result; the others
//   wait for it by re-reading the row (a dead caller's lease simply expires);
// - failures are classified by lib/diagnostics like a refresh failure.
import { db } from "../db/client";
import { sealValue, unsealValue } from "../crypto";
import { classifyTokenFailure } from "../diagnostics/classify";
import { clientCredentials } from "../microsoft/token-client";
import { loadAppForConsent, tokenUrlFor } from "./load-app-for-consent";
import { MIN_REMAINING_MS, TokenError } from "./get-access-token";

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

const LEASE_MS = 30_000;
const WAIT_STEP_MS = 150;

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
};

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
  const select = {
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
  } as const;
  const requestedAt = Date.now();
  // A forced refresh is satisfied by a token minted after it was asked for (by us or another process).
  const notBefore = opts.forceRefresh ? requestedAt : null;
  await db().appOnlyToken.createMany({
    data: [{ workspaceId: ref.workspaceId, tenantId: ref.tenantId, appRegistrationId: ref.appRegistrationId, resource }],
    skipDuplicates: true,
  });
  const deadline = Date.now() + LEASE_MS + 15_000;
  for (;;) {
    const [row, secretId] = await Promise.all([db().appOnlyToken.findUniqueOrThrow({ where, select }), activeSecretId(ref)]);
    if (row.workspaceId !== ref.workspaceId) throw new TokenError("permanent_client", "app_not_found_in_tenant", "Unknown app.");
    if (usable(row, secretId, notBefore)) return served(ref, row, false);
    // The refresh lease: one UPDATE wins it; the winner talks to Microsoft without holding a connection.
    const until = new Date(Date.now() + LEASE_MS);
    const won = await db().$executeRaw`
      UPDATE "AppOnlyToken" SET "refreshingUntil" = ${until}
      WHERE "id" = ${row.id} AND ("refreshingUntil" IS NULL OR "refreshingUntil" < now())`;
    if (won === 1) return mint(ref, resource, row.id);
    if (Date.now() > deadline) throw new TokenError("transient", "microsoft_unavailable", "Timed out waiting for the app token.");
    await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
  }
}

async function mint(ref: TAppOnlyRef, resource: string, rowId: string): Promise<TAppOnlyToken> {
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
      await db().appOnlyToken.update({ where: { id: rowId }, data: { lastErrorCode: c.diagnosis.code, refreshingUntil: null } });
      throw new TokenError(c.kind, c.diagnosis.code, c.diagnosis.evidence.summary || c.diagnosis.title, res.retryAfterSeconds ?? undefined);
    }
    const claims = appTokenClaims(res.accessToken);
    const expiresAt = new Date(Date.now() + res.expiresIn * 1000);
    const row = await db().appOnlyToken.update({
      where: { id: rowId },
      data: {
        sealedAccessToken: sealValue(res.accessToken, "access_token", { workspaceId: ref.workspaceId, rowId }),
        expiresAt,
        roles: claims.roles,
        spObjectId: claims.oid,
        tid: claims.tid,
        secretId: loaded.secretId,
        lastRefreshAt: new Date(),
        lastErrorCode: null,
        refreshingUntil: null,
      },
    });
    return { accessToken: res.accessToken, expiresAt, roles: row.roles, spObjectId: row.spObjectId, tid: row.tid, refreshed: true };
  } catch (err) {
    await db()
      .appOnlyToken.updateMany({ where: { id: rowId }, data: { refreshingUntil: null } })
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
