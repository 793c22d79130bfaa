// The interactive side: /authorize and /adminconsent, the sign-in, MFA and consent pages, and the
// redirects back to the app with a code or Microsoft's error form.
import { randomBytes, randomUUID } from "node:crypto";
import type { TSbUser } from "../directory/model";
import { aadDescription, aadMessage } from "./aadsts";
import type { Identity } from "./identity";
import { consentPage, errorPage, formPostPage, mfaPage, needAdminPage, signInPage } from "./pages";
import { mixesDefault, RESOURCE_APP_ID, resourceOf, scopeName, splitScopes, undefinedScope } from "./scopes";

export type TPage = { status: number; html?: string; redirect?: string; setCookie?: string };
type TFlow = {
  kind: "user" | "admin";
  tenantId: string | null;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  oidc: string[];
  rawScope: string;
  state?: string;
  nonce?: string;
  challenge?: string;
  method: "S256" | "plain";
  prompt?: string;
  loginHint: string;
  responseMode: "query" | "form_post";
  userId?: string;
  isMfa: boolean;
  authTime?: string;
};
type TSession = { userId: string; authTime: string; isMfa: boolean };

const COMMON = ["common", "organizations", "consumers"];
const resourceAppIdOf = (scopes: string[]) => RESOURCE_APP_ID[resourceOf(scopes[0] ?? "https://graph.microsoft.com")] ?? "";

export class Authorize {
  flows = new Map<string, TFlow>();
  sessions = new Map<string, TSession>();
  constructor(private id: Identity) {}

  /** Microsoft's error redirect: error, error_description (AADSTS text, Trace ID, Correlation ID, Timestamp), error_uri, state. */
  private errorRedirect(f: TFlow, error: string, code: number, params: Record<string, string> = {}, variant?: string): TPage {
    const desc = aadDescription(code, params, this.id.now(), { traceId: randomUUID(), correlationId: randomUUID() }, variant);
    return this.back(f, {
      error,
      error_description: desc,
      error_uri: `${this.id.loginBase}/error?code=${code}`,
      ...(f.kind === "admin" ? { admin_consent: "True" } : {}),
      ...(f.state ? { state: f.state } : {}),
    });
  }
  private back(f: TFlow, fields: Record<string, string>): TPage {
    if (f.responseMode === "form_post") return { status: 200, html: formPostPage(f.redirectUri, fields) };
    const u = new URL(f.redirectUri);
    for (const [k, v] of Object.entries(fields)) u.searchParams.set(k, v);
    return { status: 302, redirect: u.toString() };
  }
  private page(message: string): TPage {
    return { status: 400, html: errorPage(message, this.id.now()) };
  }

  start(kind: "user" | "admin", tenantSeg: string, q: URLSearchParams, cookie: string | undefined): TPage {
    const store = this.id.store;
    const tenant = COMMON.includes(tenantSeg) ? null : store.tenant(tenantSeg);
    if (!COMMON.includes(tenantSeg) && !tenant) return this.page(aadMessage(90002, { tenant: tenantSeg }));
    const clientId = q.get("client_id") ?? "";
    const app = store.app(clientId);
    if (!app) return this.page(aadMessage(700016, { appId: clientId, tenant: tenant?.displayName ?? tenantSeg }));
    const redirectUri = q.get("redirect_uri") ?? app.redirectUris[0];
    // Admin consent allows extra path segments after a registered URI
    // (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
    const registered = app.redirectUris.some(
      (r) => r === redirectUri || (kind === "admin" && redirectUri.startsWith(`${r.replace(/\/$/, "")}/`)),
    );
    if (!registered) return this.page(aadMessage(50011, { uri: redirectUri, appId: app.clientId }));
    const { oidc, resource } = splitScopes(
      q.get("scope") ?? (kind === "admin" ? "https://graph.microsoft.com/.default" : "openid"),
      app.delegated,
    );
    const flow: TFlow = {
      kind,
      tenantId: tenant?.id ?? null,
      clientId: app.clientId,
      redirectUri,
      scopes: resource,
      oidc,
      rawScope: q.get("scope") ?? "",
      state: q.get("state") ?? undefined,
      nonce: q.get("nonce") ?? undefined,
      challenge: q.get("code_challenge") ?? undefined,
      method: q.get("code_challenge_method") === "S256" ? "S256" : "plain",
      prompt: q.get("prompt") ?? undefined,
      loginHint: q.get("login_hint") ?? "",
      responseMode: q.get("response_mode") === "form_post" ? "form_post" : "query",
      isMfa: false,
    };
    if (kind === "user" && q.get("response_type") !== "code")
      return this.back(flow, {
        error: "unsupported_response_type",
        error_description: "AADSTS70005: response_type 'token' is not enabled for the application.",
        ...(flow.state ? { state: flow.state } : {}),
      });
    // Scope rules at /authorize: several resources are fine here, but `.default` can't sit beside
    // named scopes (AADSTS70011) and every named scope must exist on its resource (AADSTS650053).
    if (mixesDefault(flow.rawScope)) return this.errorRedirect(flow, "invalid_scope", 70011, { scope: flow.rawScope }, "incompatible");
    const undef = undefinedScope(flow.rawScope);
    if (undef)
      return this.errorRedirect(flow, "invalid_client", 650053, {
        appName: app.displayName,
        scope: undef.scope,
        resourceAppId: RESOURCE_APP_ID[undef.resource],
      });
    const flowId = randomBytes(18).toString("base64url");
    this.flows.set(flowId, flow);
    const session = cookie ? this.sessions.get(cookie) : undefined;
    const sessionUser = session ? store.state.users.find((u) => u.id === session.userId) : undefined;
    const hintMatches = !flow.loginHint || flow.loginHint.toLowerCase() === sessionUser?.upn;
    if (sessionUser && session && flow.prompt !== "login" && flow.prompt !== "select_account" && hintMatches) {
      Object.assign(flow, { userId: sessionUser.id, isMfa: session.isMfa, authTime: session.authTime });
      return this.afterSignIn(flowId);
    }
    // prompt=none never shows a page: no usable session is login_required (AADSTS50058).
    if (flow.prompt === "none") return this.errorRedirect(flow, "login_required", 50058);
    return { status: 200, html: signInPage(flowId, flow.loginHint) };
  }

  login(form: URLSearchParams): TPage {
    const flowId = form.get("flow") ?? "";
    const f = this.flows.get(flowId);
    if (!f) return this.page("AADSTS90014: The sign-in request expired. Start again from the application.");
    const user = this.id.store.user(form.get("loginfmt") ?? "");
    if (!user || user.password !== form.get("passwd"))
      return { status: 200, html: signInPage(flowId, form.get("loginfmt") ?? "", "Your account or password is incorrect. (AADSTS50126)") };
    if (user.isDisabled) return this.page(aadMessage(50057));
    const app = this.id.store.app(f.clientId)!;
    const tenant = this.id.store.state.tenants.find((t) => t.id === user.tenantId)!;
    if (f.tenantId && f.tenantId !== user.tenantId)
      return this.page(aadMessage(50020, { email: user.upn, tenant: f.tenantId, appId: app.clientId, appName: app.displayName }));
    if (!app.isMultiTenant && !this.id.store.appInTenant(app.clientId, user.tenantId))
      return this.page(aadMessage(700016, { appId: app.clientId, tenant: tenant.displayName }));
    if (
      app.isMultiTenant &&
      app.homeTenantId !== user.tenantId &&
      !this.id.store.appInTenant(app.clientId, user.tenantId) &&
      f.kind === "user" &&
      !tenant.usersMayConsent &&
      !user.isAdmin
    ) {
      return {
        status: 200,
        html: needAdminPage({ appName: app.displayName, returnUrl: this.redirectUrl(f, "access_denied", 90094), now: this.id.now() }),
      };
    }
    f.tenantId = user.tenantId;
    f.userId = user.id;
    f.authTime = this.id.now().toISOString();
    if (user.caBlocked) return this.errorRedirect(f, "access_denied", 53003);
    const sessionId = randomBytes(24).toString("base64url");
    this.sessions.set(sessionId, { userId: user.id, authTime: f.authTime, isMfa: false });
    const cookie = `sbx_sso=${sessionId}; Path=/; HttpOnly; Secure; SameSite=None`;
    if (user.mfaRequired) return { status: 200, html: mfaPage(flowId, user.upn), setCookie: cookie };
    return { ...this.afterSignIn(flowId), setCookie: cookie };
  }

  mfa(form: URLSearchParams, cookie?: string): TPage {
    const flowId = form.get("flow") ?? "";
    const f = this.flows.get(flowId);
    if (!f?.userId) return this.page("AADSTS90014: The sign-in request expired.");
    f.isMfa = true;
    const s = cookie ? this.sessions.get(cookie) : undefined;
    if (s) s.isMfa = true;
    return this.afterSignIn(flowId);
  }

  private redirectUrl(f: TFlow, error: string, code: number) {
    const u = new URL(f.redirectUri);
    u.searchParams.set("error", error);
    u.searchParams.set("error_description", aadMessage(code));
    if (f.state) u.searchParams.set("state", f.state);
    return u.toString();
  }

  private afterSignIn(flowId: string): TPage {
    const f = this.flows.get(flowId)!;
    const user = this.id.store.state.users.find((u) => u.id === f.userId)!;
    const tenant = this.id.store.state.tenants.find((t) => t.id === user.tenantId)!;
    const app = this.id.store.app(f.clientId)!;
    const perms = [
      ...f.scopes.map((s) => `${scopeName(s)} (${resourceOf(s).replace("https://", "")})`),
      ...(f.oidc.includes("offline_access") ? ["Maintain access to data you have given it access to"] : []),
    ];
    if (f.kind === "admin") {
      if (!user.isAdmin)
        return {
          status: 200,
          html: needAdminPage({ appName: app.displayName, returnUrl: this.redirectUrl(f, "access_denied", 90094), now: this.id.now() }),
        };
      return {
        status: 200,
        html: consentPage(flowId, {
          upn: user.upn,
          appName: app.displayName,
          perms: [
            ...perms,
            ...app.application
              .filter((a) => f.scopes.some((s) => resourceOf(s) === resourceOf(a)) || f.rawScope.includes(".default"))
              .map((a) => `${scopeName(a)} (application)`),
          ],
          isAdmin: true,
          adminConsent: true,
        }),
      };
    }
    const needsConsent = f.prompt === "consent" || !this.id.hasConsent(user.tenantId, app.clientId, user.id, f.scopes);
    if (f.prompt === "none") {
      // Silent: whatever would need a page comes back as an error instead.
      if (user.mfaRequired && !f.isMfa)
        return this.errorRedirect(f, "interaction_required", 50076, { resource: resourceAppIdOf(f.scopes) });
      if (needsConsent) return this.errorRedirect(f, "consent_required", 65001, { appId: app.clientId, appName: app.displayName });
    }
    if (!needsConsent) return this.finish(f, user);
    if (!tenant.usersMayConsent && !user.isAdmin)
      return {
        status: 200,
        html: needAdminPage({ appName: app.displayName, returnUrl: this.redirectUrl(f, "access_denied", 90094), now: this.id.now() }),
      };
    return { status: 200, html: consentPage(flowId, { upn: user.upn, appName: app.displayName, perms, isAdmin: user.isAdmin }) };
  }

  consent(form: URLSearchParams): TPage {
    const raw = form.get("flow") ?? "";
    const isAdminFlow = raw.startsWith("admin:");
    const flowId = isAdminFlow ? raw.slice(6) : raw;
    const f = this.flows.get(flowId);
    if (!f?.userId) return this.page("AADSTS90014: The sign-in request expired.");
    const user = this.id.store.state.users.find((u) => u.id === f.userId)!;
    if (form.get("action") !== "accept") {
      this.flows.delete(flowId);
      // Both consent pages answer a Cancel the same way; the admin one adds admin_consent=True and no tenant.
      return this.errorRedirect(f, "access_denied", 65004);
    }
    const app = this.id.store.app(f.clientId)!;
    if (f.kind === "admin") {
      const wantsDefault = f.rawScope.includes(".default") || !f.rawScope;
      // `{resource}/.default` names the resource even when the app has no delegated permission on it
      // (a daemon app: application permissions only), so its application roles are granted too.
      const named = (f.rawScope || "https://graph.microsoft.com/.default").split(/\s+/).filter((x) => x.endsWith("/.default"));
      const resources = new Set([...f.scopes, ...named].map(resourceOf));
      const roles = wantsDefault ? app.application.filter((a) => resources.has(resourceOf(a))) : [];
      this.id.recordConsent({ tenantId: user.tenantId, clientId: app.clientId, userId: null, scopes: f.scopes, roles, kind: "admin" });
      this.flows.delete(flowId);
      return this.back(f, {
        admin_consent: "True",
        tenant: user.tenantId,
        scope: [...f.scopes, ...roles].join(" "),
        ...(f.state ? { state: f.state } : {}),
      });
    }
    const org = form.get("consent_org") === "1" && user.isAdmin;
    this.id.recordConsent({
      tenantId: user.tenantId,
      clientId: app.clientId,
      userId: org ? null : user.id,
      scopes: f.scopes,
      kind: org ? "admin" : "user",
    });
    return this.finish(f, user);
  }

  private finish(f: TFlow, user: TSbUser): TPage {
    const code = this.id.issueCode({
      clientId: f.clientId,
      tenantId: user.tenantId,
      userId: user.id,
      redirectUri: f.redirectUri,
      scopes: f.scopes,
      oidc: f.oidc,
      nonce: f.nonce,
      challenge: f.challenge,
      method: f.method,
      authTime: f.authTime ?? this.id.now().toISOString(),
      isMfa: f.isMfa,
    });
    return this.back(f, { code, ...(f.state ? { state: f.state } : {}), session_state: randomBytes(16).toString("hex") });
  }
}
