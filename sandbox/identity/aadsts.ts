// Microsoft's AADSTS errors, byte for byte in their JSON shape
// (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes; observed texts:
// see sandbox/FIDELITY.md, Identity platform).
import { randomUUID } from "node:crypto";

type TDef = { error: string; status: number; text: string; suberror?: string; variants?: Record<string, string> };

export const AADSTS: Record<number, TDef> = {
  28000: {
    error: "invalid_request",
    status: 400,
    text: "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid.",
  },
  50011: {
    error: "invalid_request",
    status: 400,
    text: "The redirect URI '{uri}' specified in the request does not match the redirect URIs configured for the application '{appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
  },
  50020: {
    error: "invalid_request",
    status: 400,
    text: "User account '{email}' from identity provider 'live.com' does not exist in tenant '{tenant}' and cannot access the application '{appId}'({appName}) in that tenant. This account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Microsoft Entra user account.",
  },
  50058: {
    error: "login_required",
    status: 400,
    text: "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD. This can happen if the user is using Internet Explorer or Edge, and the web app sending the silent sign-in request is in different IE security zone than the Azure AD endpoint (login.microsoftonline.com).",
  },
  50057: { error: "invalid_grant", status: 400, text: "User account is disabled." },
  50076: {
    error: "invalid_grant",
    status: 400,
    suberror: "basic_action",
    text: "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource}'.",
  },
  50126: { error: "invalid_grant", status: 400, text: "Error validating credentials due to invalid username or password." },
  50173: {
    error: "invalid_grant",
    status: 400,
    text: "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{validFrom}'.",
  },
  53003: {
    error: "invalid_grant",
    status: 400,
    text: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
  },
  54005: {
    error: "invalid_grant",
    status: 400,
    text: "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
  },
  65001: {
    error: "invalid_grant",
    status: 400,
    suberror: "consent_required",
    text: "The user or administrator has not consented to use the application with ID '{appId}' named '{appName}'. Send an interactive authorization request for this user and resource.",
  },
  65004: { error: "access_denied", status: 400, text: "User declined to consent to access the app." },
  650053: {
    error: "invalid_client",
    status: 400,
    text: "The application '{appName}' asked for scope '{scope}' that doesn't exist on the resource '{resourceAppId}'. Contact the app vendor.",
  },
  70008: {
    error: "invalid_grant",
    status: 400,
    text: "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
  },
  // Observed wording since 2019 (azure-sdk-for-net#9076, vippsas/deno-sdk#47); the docs' sample omits the first sentence.
  70011: {
    error: "invalid_scope",
    status: 400,
    text: "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.",
    variants: {
      incompatible:
        "The provided value for the input parameter 'scope' is not valid. One or more scopes in '{scope}' are not compatible with each other.",
    },
  },
  70043: {
    error: "invalid_grant",
    status: 400,
    suberror: "bad_token",
    text: "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access. The token was issued on {issued} and the maximum allowed lifetime for this request is {max}.",
  },
  90002: {
    error: "invalid_tenant",
    status: 400,
    text: "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
  },
  90094: { error: "access_denied", status: 400, text: "The grant requires admin permission." },
  500011: {
    error: "invalid_resource",
    status: 400,
    text: "The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
  },
  501481: {
    error: "invalid_grant",
    status: 400,
    text: "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
  },
  700005: {
    error: "invalid_grant",
    status: 400,
    text: "Provided Authorization Code is intended to use against other tenant, thus rejected.",
  },
  700016: {
    error: "unauthorized_client",
    status: 400,
    text: "Application with identifier '{appId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  },
  700082: {
    error: "invalid_grant",
    status: 400,
    suberror: "bad_token",
    text: "The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive for 90.00:00:00.",
  },
  7000215: {
    error: "invalid_client",
    status: 401,
    text: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{appId}'.",
  },
  7000218: {
    error: "invalid_client",
    status: 401,
    text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  7000222: {
    error: "invalid_client",
    status: 401,
    text: "The provided client secret keys for app '{appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
  },
  900144: {
    error: "invalid_request",
    status: 400,
    text: "The request body must contain the following parameter: '{name}'.",
  },
  1002012: {
    error: "invalid_scope",
    status: 400,
    text: "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
  },
  9001023: {
    error: "invalid_request",
    status: 400,
    text: "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
  },
  9002313: { error: "invalid_grant", status: 400, text: "Invalid request. Request is malformed or invalid." },
};

/** "2020-07-06 22:31:52Z", Microsoft's timestamp format in error bodies. */
export const msTimestamp = (d: Date) =>
  d
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");

export function aadMessage(code: number, params: Record<string, string> = {}, variant?: string): string {
  const def = AADSTS[code];
  const text = (variant && def.variants?.[variant]) || def.text;
  return `AADSTS${code}: ${text.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? `{${k}}`)}`;
}

/** "AADSTSnnnn: … Trace ID: … Correlation ID: … Timestamp: …", as error_description carries it. */
export function aadDescription(
  code: number,
  params: Record<string, string>,
  now: Date,
  ids: { traceId: string; correlationId: string },
  variant?: string,
) {
  return `${aadMessage(code, params, variant)}\r\nTrace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${msTimestamp(now)}`;
}

export function aadError(code: number, params: Record<string, string>, now: Date, loginBase: string, variant?: string) {
  const def = AADSTS[code];
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const ts = msTimestamp(now);
  return {
    status: def.status,
    traceId,
    correlationId,
    body: {
      error: def.error,
      error_description: aadDescription(code, params, now, { traceId, correlationId }, variant),
      error_codes: [code],
      timestamp: ts,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${loginBase}/error?code=${code}`,
      ...(def.suberror ? { suberror: def.suberror } : {}),
    },
  };
}
