import "server-only";
// Everything a consent round trip or a token refresh needs about a tenant's app, including the
// unsealed secret. Used only inside the consent and token services; never returned to a client.
// It lives in lib/grants (moved from lib/consent) because the refresher needs it and lib/consent
// depends on lib/grants, not the other way round.
import { db } from "../db/client";
import { hostsFor } from "../microsoft/hosts-for";
import { detectLegacyEndpoint, tokenEndpoint } from "../microsoft/endpoints";
import { unsealValue } from "../crypto";
import { env } from "../env";
import { badRequest } from "../core/errors";
import { forTenantWhere } from "../core/scope";

/** Why the app can't be used, as a 400 for a person's request and as the catalog's diagnosis code
 *  for a token refresh (getAccessToken records it on the mailbox). */
const unusable = (diagnosis: "secret_missing" | "legacy_endpoint", message: string) => Object.assign(badRequest(message), { diagnosis });

export function redirectUri(): string {
  return `${env().CONSENTRY_PUBLIC_URL.replace(/\/$/, "")}/api/oauth/callback`;
}

export async function loadAppForConsent(opts: { workspaceId: string; tenantId: string; appRegistrationId: string }) {
  const [tenant, app] = await Promise.all([
    db().tenant.findFirst({ where: { id: opts.tenantId, workspaceId: opts.workspaceId } }),
    db().appRegistration.findFirst({
      where: { id: opts.appRegistrationId, workspaceId: opts.workspaceId, ...forTenantWhere(opts.tenantId) },
    }),
  ]);
  if (!tenant || !app) throw badRequest("This mailbox has no usable app registration. Pick one on the mailbox's settings.");
  const secret = await db().appSecret.findFirst({
    where: { appRegistrationId: app.id, workspaceId: opts.workspaceId, status: "active" },
    orderBy: { createdAt: "desc" },
    omit: { sealedValue: false },
  });
  if (!secret) throw unusable("secret_missing", "The app registration has no active client secret. Add one under the app's secrets.");
  // An override saved before overrides were checked (or by an older release) that names a retired
  // endpoint: say so, rather than send a token request Microsoft no longer answers.
  const legacy = detectLegacyEndpoint(app.tokenEndpointOverride ?? "") ?? detectLegacyEndpoint(app.authorityOverride ?? "");
  if (legacy) throw unusable("legacy_endpoint", legacy.message);
  return {
    tenant,
    app,
    /** The active secret used (app-only tokens remember it, so a rotation mints with the new one). */
    secretId: secret.id,
    ms: {
      cloud: tenant.cloud,
      // Tenant-specific authority: the GUID when known, else the verified domain.
      tenantSegment: tenant.directoryId ?? tenant.primaryDomain ?? "organizations",
      clientId: app.clientId,
      clientSecret: unsealValue(secret.sealedValue, "client_secret", { workspaceId: secret.workspaceId, rowId: secret.id }),
      redirectUri: redirectUri(),
      scopeProfile: app.scopeProfile,
      authorityOverride: app.authorityOverride,
      tokenEndpointOverride: app.tokenEndpointOverride,
    },
  };
}
export type TAppForConsent = Awaited<ReturnType<typeof loadAppForConsent>>;

/** The app's token endpoint: its override, else the tenant's authority in its cloud. */
export function tokenUrlFor(app: TAppForConsent["ms"]): string {
  return app.tokenEndpointOverride ?? tokenEndpoint(hostsFor(app.cloud), app.tenantSegment);
}
