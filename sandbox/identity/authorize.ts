// The interactive side: /authorize and /adminconsent, the sign-in, MFA and consent pages, and the
// redirects back to the app with a code or Microsoft's error form.
import { randomBytes } from "node:crypto";
import type { TSbUser } from "../directory/model";
import { aadMessage, msTimestamp } from "./aadsts";
import type { Identity } from "./identity";
import { consentPage, errorPage, formPostPage, mfaPage, needAdminPage, signInPage } from "./pages";
import { resourceOf, scopeName, splitScopes } from "./scopes";

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

export class Authorize {
  flows = new Map<string, TFlow>();
  sessions = new Map<string, TSession>();
  constructor(private id: Identity) {}

  private errorRedirect(f: TFlow, error: string, code: number, params: Record<string, string> = {}, admin = false): TPage {
    const desc = `${aadMessage(code, params)}\r\nTrace ID: ${randomBytes(16).toString("hex")}\r\nCorrelation ID: ${randomBytes(16).toString("hex")}\r\nTimestamp: ${msTimestamp(this.id.now())}`;
    return this.back(f, {
      ...(admin ? { admin_consent: "True" } : {}),
      error,
      error_description: desc,
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
    // Admin consent allows extra path segments after a registered URI (MICROSOFT.md §1.4).
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
    const flowId = randomBytes(18).toString("base64url");
    this.flows.set(flowId, flow);
    const session = cookie ? this.sessions.get(cookie) : undefined;
    const sessionUser = session ? store.state.users.find((u) => u.id === session.userId) : undefined;
    const hintMatches = !flow.loginHint || flow.loginHint.toLowerCase() === sessionUser?.upn;
    if (sessionUser && session && flow.prompt !== "login" && flow.prompt !== "select_account" && hintMatches) {
      Object.assign(flow, { userId: sessionUser.id, isMfa: session.isMfa, authTime: session.authTime });
      return this.afterSignIn(flowId);
    }
    if (flow.prompt === "none")
      return this.back(flow, {
        error: "login_required",
        error_description: "AADSTS50058: A silent sign-in request was sent but no user is signed in.",
        ...(flow.state ? { state: flow.state } : {}),
      });
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
      return f.kind === "admin"
        ? this.back(f, {
            admin_consent: "True",
            error: "access_denied",
            error_description: "AADSTS65004: The resource owner or authorization server denied the request.",
            ...(f.state ? { state: f.state } : {}),
          })
        : this.errorRedirect(f, "access_denied", 65004);
    }
    const app = this.id.store.app(f.clientId)!;
    if (f.kind === "admin") {
      const wantsDefault = f.rawScope.includes(".default") || !f.rawScope;
      const resources = new Set(f.scopes.map(resourceOf));
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
