import "server-only";
// The consent flow's seam to lib/microsoft and lib/diagnostics: URLs, code redemption and
// id_token checks for one tenant's app, with every failure turned into a catalogued diagnosis.
import { hostsFor } from "../microsoft/hosts-for";
import { assertTrustedMicrosoftUrl } from "../microsoft/trusted-microsoft-url";
import { buildAdminConsentUrl, buildAuthorizeUrl } from "../microsoft/authorize-url";
import { authorizeEndpoint, issuerFor, jwksUrl } from "../microsoft/endpoints";
import { createPkcePair } from "../microsoft/pkce";
import { adminConsentScopes, authorizeScopes, delegatedScopes } from "../microsoft/scope-profiles";
import { exchangeCode } from "../microsoft/token-client";
import { verifyIdToken } from "../microsoft/id-token";
import { failureFromRedirect } from "../microsoft/parse-error";
import { classify, classifyTokenFailure } from "../diagnostics/classify";
import { tokenUrlFor, type TAppForConsent } from "../grants/load-app-for-consent";

export type TMsApp = TAppForConsent["ms"];

// What a consent round trip stores and shows on its result page (not classify.ts's TDiagnosis,
// which carries evidence for the dashboard).
export type TConsentDiagnosis = {
  code: string;
  title: string;
  cause: string;
  fixSteps: string[];
  retryable: boolean;
  aadsts?: number[];
  detail?: Record<string, unknown>;
};

export function pkcePair() {
  const p = createPkcePair();
  return { verifier: p.verifier, challenge: p.challenge };
}

// Both sign-in URL builders refuse anything off the cloud's host list (a stored override included),
// so a browser is only ever sent to Microsoft.
export function authorizeUrl(
  app: TMsApp,
  p: { state: string; nonce: string; codeChallenge: string; prompt: "select_account" | "consent" | "login" | "none"; loginHint?: string },
): string {
  const hosts = hostsFor(app.cloud);
  const authority = app.authorityOverride
    ? assertTrustedMicrosoftUrl(app.authorityOverride, app.cloud, "authority").replace(/\/$/, "")
    : null;
  const url = buildAuthorizeUrl({
    hosts,
    tenantSegment: app.tenantSegment,
    clientId: app.clientId,
    redirectUri: app.redirectUri,
    scopes: authorizeScopes(app.scopeProfile, hosts),
    state: p.state,
    nonce: p.nonce,
    codeChallenge: p.codeChallenge,
    prompt: p.prompt,
    loginHint: p.loginHint,
    authorizeEndpointOverride: authority ? `${authority}/oauth2/v2.0/authorize` : null,
  });
  return assertTrustedMicrosoftUrl(url, app.cloud, "signin");
}

export function adminConsentUrl(app: TMsApp, p: { state: string }): string {
  const hosts = hostsFor(app.cloud);
  return assertTrustedMicrosoftUrl(
    buildAdminConsentUrl({
      hosts,
      tenantSegment: app.tenantSegment,
      clientId: app.clientId,
      redirectUri: app.redirectUri,
      scopes: adminConsentScopes(app.scopeProfile, hosts),
      state: p.state,
    }),
    app.cloud,
    "signin",
  );
}

function fromCatalog(d: {
  code: string;
  title: string;
  cause: string;
  fixSteps: string[];
  retryable: boolean;
  aadsts?: number[];
}): TConsentDiagnosis {
  return { code: d.code, title: d.title, cause: d.cause, fixSteps: d.fixSteps, retryable: d.retryable, aadsts: d.aadsts };
}

export function diagnoseRedirectError(error: string, description: string): TConsentDiagnosis {
  return fromCatalog(classify(failureFromRedirect({ error, error_description: description })));
}

/** The resource an access token is for: the origin of the first resource-qualified scope. */
export function resourceOf(scopes: string[], fallback: string): string {
  const qualified = scopes.find((s) => s.startsWith("https://"));
  return qualified ? new URL(qualified).origin : fallback;
}

export async function redeemCode(app: TMsApp, p: { code: string; codeVerifier: string }) {
  const hosts = hostsFor(app.cloud);
  const scopes = delegatedScopes(app.scopeProfile, hosts);
  const res = await exchangeCode(
    { tokenUrl: tokenUrlFor(app), cloud: app.cloud, clientId: app.clientId, clientSecret: app.clientSecret },
    { code: p.code, redirectUri: app.redirectUri, codeVerifier: p.codeVerifier, scopes },
  );
  if (!res.ok) return { ok: false as const, diagnosis: fromCatalog(classifyTokenFailure(res).diagnosis) };
  if (!res.refreshToken || !res.idToken) {
    return {
      ok: false as const,
      diagnosis: {
        code: "consent_missing",
        title: "Microsoft returned no refresh token",
        cause: "The sign-in didn't grant offline_access or openid, so Consentry can't keep the mailbox connected.",
        fixSteps: ["Add the delegated permissions offline_access and openid to the app in Azure, then connect again."],
        retryable: true,
      },
    };
  }
  return {
    ok: true as const,
    accessToken: res.accessToken,
    refreshToken: res.refreshToken,
    idToken: res.idToken,
    expiresIn: res.expiresIn,
    scopes: res.scopes,
    // The resource Consentry asked for (one per request): Graph echoes short scope names, so the
    // response's scope list alone can't name it.
    resource: resourceOf(scopes, hosts.graphResource),
  };
}

export async function checkIdToken(app: TMsApp, idToken: string, nonce: string, expectedTid?: string) {
  const hosts = hostsFor(app.cloud);
  const r = await verifyIdToken(idToken, {
    jwksUrl: jwksUrl(hosts, app.tenantSegment),
    issuer: (tid) => issuerFor(hosts, tid),
    clientId: app.clientId,
    nonce,
    expectedTid,
  });
  if (r.ok) return { ok: true as const, ...r.identity };
  return {
    ok: false as const,
    diagnosis: {
      code: r.reason === "tenant" ? "wrong_tenant_signed_in" : "id_token_invalid",
      title: r.reason === "tenant" ? "Someone from another organization signed in" : "Microsoft's answer failed verification",
      cause:
        r.reason === "tenant"
          ? "The account that signed in belongs to a different Microsoft 365 tenant than this customer."
          : `The id_token did not pass the ${r.reason} check, so Consentry did not trust it.`,
      fixSteps:
        r.reason === "tenant"
          ? ["Sign in with an account of this customer's organization (use a private window)."]
          : ["Try again. If it keeps failing, check the tenant's cloud and directory ID."],
      retryable: true,
    },
  };
}

export { authorizeEndpoint };
