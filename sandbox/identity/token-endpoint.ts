// POST /{tenant}/oauth2/v2.0/token: authorization_code, refresh_token and client_credentials,
// with Microsoft's client authentication and failure rules.
import { createHash } from "node:crypto";
import type { TSbApp, TSbRefresh } from "../directory/model";
import { hash, type Identity } from "./identity";
import { OIDC, qualify, resourceOf, splitScopes, tokenScopeFault } from "./scopes";

export type TReply = { status: number; body: unknown; headers?: Record<string, string>; hangMs?: number };

const DAY = 86_400_000;

function clientAuth(form: URLSearchParams, authHeader?: string) {
  if (authHeader?.startsWith("Basic ")) {
    const [id, secret] = Buffer.from(authHeader.slice(6), "base64").toString().split(":");
    return { clientId: decodeURIComponent(id ?? ""), secret: decodeURIComponent(secret ?? "") };
  }
  return { clientId: form.get("client_id") ?? "", secret: form.get("client_secret") ?? "" };
}

export async function handleToken(id: Identity, tenantSeg: string, form: URLSearchParams, authHeader?: string): Promise<TReply> {
  const st = id.store.state;
  const g = form.get("grant_type") ?? "none";
  id.stats[g] = (id.stats[g] ?? 0) + 1;
  const fault = st.faults.tokenEndpoint;
  if (fault && fault.remaining > 0) {
    fault.remaining -= 1;
    if (fault.remaining === 0) st.faults.tokenEndpoint = null;
    id.store.save();
    if (fault.mode === "timeout") return { status: 504, body: { error: "temporarily_unavailable" }, hangMs: fault.seconds * 1000 };
    return {
      status: Number(fault.mode),
      body: {
        error: fault.mode === "503" ? "temporarily_unavailable" : "server_error",
        error_description: `AADSTS90033: A transient error has occurred. Please try again.`,
        error_codes: [90033],
      },
      headers: fault.mode === "503" ? { "retry-after": "5" } : undefined,
    };
  }
  const isCommon = tenantSeg === "common" || tenantSeg === "organizations" || tenantSeg === "consumers";
  const tenant = isCommon ? undefined : id.store.tenant(tenantSeg);
  if (!isCommon && !tenant) return reply(id.err(90002, { tenant: tenantSeg }));
  const grant = form.get("grant_type");
  const { clientId, secret } = clientAuth(form, authHeader);
  const app = id.store.app(clientId);
  const tenantName = tenant?.displayName ?? tenantSeg;
  if (!app) return reply(id.err(700016, { appId: clientId, tenant: tenantName }));
  if (!secret) return reply(id.err(7000218));
  const match = app.secrets.find((s) => s.value === secret);
  if (!match) return reply(id.err(7000215, { appId: app.clientId }));
  if (new Date(match.expiresAt) <= id.now()) return reply(id.err(7000222, { appId: app.clientId }));

  if (grant === "client_credentials") {
    if (isCommon) return reply(id.err(9001023));
    if (!id.store.appInTenant(app.clientId, tenant!.id)) return reply(id.err(700016, { appId: app.clientId, tenant: tenantName }));
    const scope = form.get("scope") ?? "";
    const fault = tokenScopeFault("client_credentials", scope);
    if (fault) return reply(id.err(fault.code, fault.params, fault.variant));
    return { status: 200, body: await id.appToken(app, tenant!.id, resourceOf(qualify(scope.trim().split(/\s+/)[0]))) };
  }
  if (grant === "authorization_code") return codeGrant(id, app, tenant?.id, form);
  if (grant === "refresh_token") return refreshGrant(id, app, tenant?.id, form);
  return {
    status: 400,
    body: { error: "unsupported_grant_type", error_description: "AADSTS70003: The app requested an unsupported grant type." },
  };
}

function reply(e: { status: number; body: unknown }): TReply {
  return { status: e.status, body: e.body };
}

async function codeGrant(id: Identity, app: TSbApp, tenantId: string | undefined, form: URLSearchParams): Promise<TReply> {
  const scopeFault = tokenScopeFault("authorization_code", form.get("scope") ?? "");
  if (scopeFault) return reply(id.err(scopeFault.code, scopeFault.params, scopeFault.variant));
  const c = id.codes.get(form.get("code") ?? "");
  if (!c || c.clientId !== app.clientId) return reply(id.err(9002313));
  if (c.used) return reply(id.err(54005));
  if (tenantId && c.tenantId !== tenantId) return reply(id.err(700005));
  if (id.now().getTime() - c.issuedAt > 10 * 60_000) return reply(id.err(70008));
  if (form.get("redirect_uri") !== c.redirectUri) return reply(id.err(50011, { uri: form.get("redirect_uri") ?? "", appId: app.clientId }));
  if (c.challenge) {
    const v = form.get("code_verifier") ?? "";
    const computed = c.method === "S256" ? createHash("sha256").update(v).digest("base64url") : v;
    if (computed !== c.challenge) return reply(id.err(501481));
  }
  c.used = true;
  const user = id.store.state.users.find((u) => u.id === c.userId)!;
  const requested = (form.get("scope") ?? "").split(/\s+/).filter((p) => p && !OIDC.includes(p.toLowerCase()));
  const resource = requested[0] ? resourceOf(qualify(requested[0])) : undefined;
  return {
    status: 200,
    body: await id.userTokens({
      user,
      app,
      tenantId: c.tenantId,
      scopes: c.scopes,
      oidc: c.oidc,
      nonce: c.nonce,
      authTime: c.authTime,
      isMfa: c.isMfa,
      clientInfo: form.get("client_info") === "1",
      resource,
    }),
  };
}

async function refreshGrant(id: Identity, app: TSbApp, tenantId: string | undefined, form: URLSearchParams): Promise<TReply> {
  const scopeFault = tokenScopeFault("refresh_token", form.get("scope") ?? "");
  if (scopeFault) return reply(id.err(scopeFault.code, scopeFault.params, scopeFault.variant));
  const presented = hash(form.get("refresh_token") ?? "");
  const rt: TSbRefresh | undefined = id.store.state.refreshTokens.find((r) => r.hash === presented);
  if (!rt || rt.clientId !== app.clientId || (tenantId && rt.tenantId !== tenantId)) return reply(id.err(9002313));
  const user = id.store.state.users.find((u) => u.id === rt.userId);
  const tenant = id.store.state.tenants.find((t) => t.id === rt.tenantId)!;
  const now = id.now();
  if (!user) return reply(id.err(9002313));
  // A disabled account can't redeem its refresh tokens (invalid_grant AADSTS50057).
  if (user.isDisabled) return reply(id.err(50057));
  if (now.getTime() - new Date(rt.lastUsedAt).getTime() > 90 * DAY) return reply(id.err(700082, { issued: rt.issuedAt }));
  if (new Date(rt.issuedAt) < new Date(user.tokensValidFrom))
    return reply(id.err(50173, { issued: rt.issuedAt, validFrom: user.tokensValidFrom }));
  if (!id.store.appInTenant(app.clientId, rt.tenantId)) return reply(id.err(700016, { appId: app.clientId, tenant: tenant.displayName }));
  // `{resource}/.default` asks for whatever is granted for that resource (the docs' "scopes-oidc" .default rules).
  const rawScope = form.get("scope") ?? "";
  const defaultOf = rawScope
    .split(/\s+/)
    .filter((p) => p && !OIDC.includes(p.toLowerCase()))
    .map(qualify)
    .find((q) => q.endsWith("/.default"));
  const requested = splitScopes(defaultOf ? "" : rawScope, app.delegated);
  if (defaultOf) {
    const r = resourceOf(defaultOf);
    requested.resource = id.consentedScopes(rt.tenantId, app.clientId, rt.userId).filter((s) => resourceOf(s) === r);
    if (!requested.resource.length) return reply(id.err(65001, { appId: app.clientId, appName: app.displayName }));
  }
  requested.oidc = rawScope
    .split(/\s+/)
    .filter((p) => OIDC.includes(p.toLowerCase()))
    .map((p) => p.toLowerCase());
  const wanted = requested.resource.length ? requested.resource : rt.scopes;
  if (!id.hasConsent(rt.tenantId, app.clientId, user.id, wanted))
    return reply(id.err(65001, { appId: app.clientId, appName: app.displayName }));
  // No Exchange Online in the tenant: its resource principal isn't there (AADSTS500011).
  const outlook = "https://outlook.office.com";
  if (tenant.exchangeOnline === false && wanted.some((w) => resourceOf(w) === outlook))
    return reply(id.err(500011, { resource: outlook, tenant: tenant.id }));
  if (user.caBlocked) return reply(id.err(53003));
  if (user.mfaRequired && !rt.isMfa)
    return reply(
      id.err(50076, {
        resource:
          resourceOf(wanted[0] ?? "https://graph.microsoft.com") === "https://graph.microsoft.com"
            ? "00000003-0000-0000-c000-000000000000"
            : "00000002-0000-0ff1-ce00-000000000000",
      }),
    );
  if (user.signInFrequencyDays && now.getTime() - new Date(rt.authTime).getTime() > user.signInFrequencyDays * DAY)
    return reply(id.err(70043, { issued: rt.authTime, max: `${user.signInFrequencyDays}.00:00:00` }));
  // Rotation: a new refresh token every time; the old one stays valid, as Microsoft documents.
  rt.lastUsedAt = now.toISOString();
  id.store.save();
  return {
    status: 200,
    body: await id.userTokens({
      user,
      app,
      tenantId: rt.tenantId,
      scopes: [...new Set([...wanted, ...rt.scopes])],
      oidc: ["offline_access", ...(requested.oidc.includes("openid") ? ["openid"] : [])],
      authTime: rt.authTime,
      isMfa: rt.isMfa,
      clientInfo: form.get("client_info") === "1",
      resource: resourceOf(wanted[0] ?? rt.scopes[0]),
    }),
  };
}
