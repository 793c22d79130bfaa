// The identity platform's state machine: consent checks, codes, refresh tokens, token responses.
import { servicePrincipalObjectId } from "../directory/exchange-rbac";
import { createHash, randomBytes } from "node:crypto";
import type { Store } from "../directory/store";
import type { TSbApp, TSbUser } from "../directory/model";
import { aadError } from "./aadsts";
import { GRAPH, OUTLOOK, resourceOf, scopeName } from "./scopes";
import { signAccessToken, signIdToken, type TSigner } from "./signing";

export type TCode = {
  code: string;
  clientId: string;
  tenantId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  oidc: string[];
  nonce?: string;
  challenge?: string;
  method: "S256" | "plain";
  issuedAt: number;
  authTime: string;
  isMfa: boolean;
  used: boolean;
};

export const hash = (s: string) => createHash("sha256").update(s).digest("hex");

export class Identity {
  codes = new Map<string, TCode>();
  /** Token endpoint calls by grant type, for tests that count redemptions (GET /admin/stats). */
  stats: Record<string, number> = {};
  constructor(
    public store: Store,
    public signer: TSigner,
    public loginBase: string,
  ) {}

  now() {
    return this.store.now();
  }
  err(code: number, params: Record<string, string> = {}, variant?: string) {
    return aadError(code, params, this.now(), this.loginBase, variant);
  }
  issuer(tid: string) {
    return `${this.loginBase}/${tid}/v2.0`;
  }

  consentedScopes(tenantId: string, clientId: string, userId: string): string[] {
    return this.store.state.consents
      .filter((c) => c.tenantId === tenantId && c.clientId === clientId && (c.kind === "admin" || c.userId === userId))
      .flatMap((c) => c.scopes);
  }
  hasConsent(tenantId: string, clientId: string, userId: string, scopes: string[]) {
    const have = new Set(this.consentedScopes(tenantId, clientId, userId));
    return scopes.every((s) => have.has(s));
  }
  recordConsent(p: {
    tenantId: string;
    clientId: string;
    userId: string | null;
    scopes: string[];
    roles?: string[];
    kind: "admin" | "user";
  }) {
    const st = this.store.state;
    const existing = st.consents.find(
      (c) => c.tenantId === p.tenantId && c.clientId === p.clientId && c.kind === p.kind && c.userId === p.userId,
    );
    if (existing) {
      existing.scopes = [...new Set([...existing.scopes, ...p.scopes])];
      existing.roles = [...new Set([...existing.roles, ...(p.roles ?? [])])];
    } else
      st.consents.push({
        tenantId: p.tenantId,
        clientId: p.clientId,
        kind: p.kind,
        userId: p.userId,
        scopes: p.scopes,
        roles: p.roles ?? [],
        grantedAt: this.now().toISOString(),
      });
    // Consent in a customer tenant creates the app's service principal there.
    if (!st.servicePrincipals.some((s) => s.tenantId === p.tenantId && s.clientId === p.clientId))
      st.servicePrincipals.push({ tenantId: p.tenantId, clientId: p.clientId, objectId: servicePrincipalObjectId(p.tenantId, p.clientId) });
    this.store.save();
  }

  /** The app's service principal object id in a tenant (stable: the same for every token). */
  servicePrincipalId(tenantId: string, clientId: string): string {
    const sp = this.store.state.servicePrincipals.find((s) => s.tenantId === tenantId && s.clientId === clientId);
    return sp?.objectId ?? servicePrincipalObjectId(tenantId, clientId);
  }

  issueCode(c: Omit<TCode, "code" | "issuedAt" | "used">): string {
    const code = `1.A${randomBytes(48).toString("base64url")}`;
    this.codes.set(code, { ...c, code, issuedAt: this.now().getTime(), used: false });
    return code;
  }

  lifetime() {
    return this.store.state.tokenLifetimeSeconds ?? 3600 + Math.floor(Math.random() * 1800);
  }

  /** The token response for a user: an access token for the first resource, plus RT/id_token. */
  async userTokens(p: {
    user: TSbUser;
    app: TSbApp;
    tenantId: string;
    scopes: string[];
    oidc: string[];
    nonce?: string;
    authTime: string;
    isMfa: boolean;
    clientInfo: boolean;
    resource?: string;
  }) {
    const resource = p.resource ?? (p.scopes[0] ? resourceOf(p.scopes[0]) : "https://graph.microsoft.com");
    const forResource = p.scopes.filter((s) => resourceOf(s) === resource);
    const lifetime = this.lifetime();
    const now = this.now();
    const accessToken = await signAccessToken(
      this.signer,
      {
        aud: resource === OUTLOOK ? OUTLOOK : resource,
        tid: p.tenantId,
        oid: p.user.id,
        appid: p.app.clientId,
        appidacr: "1",
        scp: forResource.map(scopeName).join(" "),
        upn: p.user.upn,
        unique_name: p.user.upn,
        name: p.user.displayName,
        lifetimeSeconds: lifetime,
      },
      now,
    );
    // Graph echoes short names plus the OIDC scopes every consent carries; other resources echo
    // resource-qualified names and no OIDC scopes (sandbox/FIDELITY.md, "scope echo").
    const scope = resource === GRAPH ? [...forResource.map(scopeName), "profile", "openid", "email"].join(" ") : forResource.join(" ");
    const body: Record<string, unknown> = {
      token_type: "Bearer",
      scope,
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    };
    if (p.oidc.includes("offline_access")) {
      // No refresh_token_expires_in: Microsoft sends it to single-page apps only; a web app's refresh
      // token slides with use (90 days of inactivity).
      body.refresh_token = this.mintRefreshToken({ ...p, userId: p.user.id, clientId: p.app.clientId });
    }
    if (p.oidc.includes("openid"))
      body.id_token = await signIdToken(
        this.signer,
        {
          issuer: this.issuer(p.tenantId),
          clientId: p.app.clientId,
          tid: p.tenantId,
          oid: p.user.id,
          upn: p.user.upn,
          email: p.user.mail,
          name: p.user.displayName,
          nonce: p.nonce,
        },
        now,
      );
    if (p.clientInfo) body.client_info = Buffer.from(JSON.stringify({ uid: p.user.id, utid: p.tenantId })).toString("base64url");
    return body;
  }

  /** A new refresh token for a user's grant to an app (kept as its hash). */
  mintRefreshToken(p: { userId: string; tenantId: string; clientId: string; scopes: string[]; authTime: string; isMfa: boolean }) {
    const rt = `0.A${randomBytes(64).toString("base64url")}`;
    const now = this.now().toISOString();
    this.store.state.refreshTokens.push({
      hash: hash(rt),
      userId: p.userId,
      tenantId: p.tenantId,
      clientId: p.clientId,
      scopes: p.scopes,
      issuedAt: now,
      lastUsedAt: now,
      authTime: p.authTime,
      isMfa: p.isMfa,
    });
    this.store.save();
    return rt;
  }

  async appToken(app: TSbApp, tenantId: string, resource: string) {
    const roles = this.store.state.consents
      .filter((c) => c.kind === "admin" && c.tenantId === tenantId && c.clientId === app.clientId)
      .flatMap((c) => c.roles)
      .filter((r) => resourceOf(r) === resource)
      .map(scopeName);
    const lifetime = this.lifetime();
    const oid = this.servicePrincipalId(tenantId, app.clientId);
    const accessToken = await signAccessToken(
      this.signer,
      {
        aud: resource,
        tid: tenantId,
        oid,
        sub: oid,
        idtyp: "app",
        appid: app.clientId,
        appidacr: "1",
        ...(roles.length ? { roles } : {}),
        lifetimeSeconds: lifetime,
      },
      this.now(),
    );
    return { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken };
  }
}
