import { describe, expect, it } from "vitest";
import { cloudHosts } from "./clouds";
import { buildAdminConsentUrl, buildAuthorizeUrl } from "./authorize-url";
import { detectLegacyEndpoint, issuerFor, jwksUrl, tokenEndpoint } from "./endpoints";
import { adminConsentScopes, authorizeScopes, azurePermissions, delegatedScopes, scopesForResource } from "./scope-profiles";
import { createPkcePair } from "./pkce";
import { createHash } from "node:crypto";
import { buildXOAuth2 } from "./xoauth2";
import { inspectSecretValue } from "./secret-shape";
import { secretExpiryStatus } from "./secret-expiry";

const sandbox = cloudHosts("sandbox", {
  loginUrl: "https://localhost:4010/",
  graphUrl: "https://localhost:4011",
  imapHost: "localhost:4993",
  popHost: "localhost:4995",
  smtpHost: "localhost:4587",
});

describe("clouds and endpoints", () => {
  it("builds every URL from the cloud table", () => {
    expect(tokenEndpoint(cloudHosts("global"), "contoso.onmicrosoft.com")).toBe(
      "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
    );
    expect(tokenEndpoint(cloudHosts("usgov"), "t")).toBe("https://login.microsoftonline.us/t/oauth2/v2.0/token");
    expect(tokenEndpoint(cloudHosts("china"), "t")).toBe("https://login.partner.microsoftonline.cn/t/oauth2/v2.0/token");
    expect(tokenEndpoint(sandbox, "t")).toBe("https://localhost:4010/t/oauth2/v2.0/token");
    expect(jwksUrl(sandbox, "t")).toBe("https://localhost:4010/t/discovery/v2.0/keys");
    expect(issuerFor(sandbox, "abc")).toBe("https://localhost:4010/abc/v2.0");
    expect(sandbox.imap).toEqual({ host: "localhost", port: 4993 });
    expect(() => cloudHosts("sandbox")).toThrow(/SANDBOX/);
  });

  it("flags legacy endpoints with the v2 replacement", () => {
    expect(detectLegacyEndpoint("https://login.microsoftonline.com/contoso.com/oauth2/token")).toMatchObject({
      kind: "v1_endpoint",
      replacement: "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token",
    });
    expect(detectLegacyEndpoint("https://outlook.office.com/api/v2.0/me/messages")).toMatchObject({
      kind: "outlook_rest_retired",
      replacement: "https://graph.microsoft.com/v1.0/me/messages",
    });
    expect(detectLegacyEndpoint("https://graph.windows.net/contoso.com/users")?.kind).toBe("azure_ad_graph");
    expect(detectLegacyEndpoint("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token")).toBeNull();
    expect(detectLegacyEndpoint("not a url")).toBeNull();
  });
});

describe("scopes", () => {
  it("asks for resource-qualified Outlook scopes plus offline_access and OpenID", () => {
    const s = delegatedScopes("imap_smtp", cloudHosts("global"));
    expect(s).toEqual([
      "https://outlook.office.com/IMAP.AccessAsUser.All",
      "https://outlook.office.com/SMTP.Send",
      "offline_access",
      "openid",
      "profile",
      "email",
    ]);
    expect(adminConsentScopes("imap_smtp", cloudHosts("global"))).toEqual([
      "https://outlook.office.com/IMAP.AccessAsUser.All",
      "https://outlook.office.com/SMTP.Send",
      "https://graph.microsoft.com/User.Read",
    ]);
    // The sign-in asks consent for Graph's User.Read too; code redemption stays on Outlook alone.
    expect(authorizeScopes("imap_smtp", cloudHosts("global"))).toEqual([
      "https://outlook.office.com/IMAP.AccessAsUser.All",
      "https://outlook.office.com/SMTP.Send",
      "https://graph.microsoft.com/User.Read",
      "offline_access",
      "openid",
      "profile",
      "email",
    ]);
    expect(adminConsentScopes("graph_app_only", cloudHosts("global"))).toEqual(["https://graph.microsoft.com/.default"]);
    expect(adminConsentScopes("exchange_app_only", cloudHosts("global"))).toEqual(["https://outlook.office.com/.default"]);
    expect(delegatedScopes("pop_smtp", cloudHosts("usgov"))[0]).toBe("https://outlook.office365.us/POP.AccessAsUser.All");
  });
  it("lists the Azure permissions per profile", () => {
    expect(azurePermissions("imap_smtp").map((p) => p.name)).toEqual([
      "IMAP.AccessAsUser.All",
      "SMTP.Send",
      "User.Read",
      "offline_access",
      "openid",
      "profile",
      "email",
    ]);
    expect(azurePermissions("graph_app_only").every((p) => p.type === "Application" && p.adminConsentRequired)).toBe(true);
    // Microsoft's blades: delegated IMAP/POP/SMTP under Microsoft Graph, the AccessAsApp ones under
    // APIs my organization uses → Office 365 Exchange Online.
    expect(azurePermissions("pop_smtp")[0]).toMatchObject({
      name: "POP.AccessAsUser.All",
      blade: "Microsoft Graph → Delegated permissions",
    });
    expect(azurePermissions("exchange_app_only").map((p) => [p.name, p.type, p.blade])).toEqual(
      ["IMAP.AccessAsApp", "POP.AccessAsApp", "SMTP.SendAsApp"].map((n) => [
        n,
        "Application",
        "APIs my organization uses → Office 365 Exchange Online → Application permissions",
      ]),
    );
  });
  it("picks one resource's scopes for a refresh, qualifying bare names", () => {
    expect(
      scopesForResource("https://outlook.office.com", [
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://graph.microsoft.com/User.Read",
      ]),
    ).toEqual(["https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"]);
    expect(scopesForResource("https://outlook.office.com", ["IMAP.AccessAsUser.All", "SMTP.Send", "openid"])).toEqual([
      "https://outlook.office.com/IMAP.AccessAsUser.All",
      "https://outlook.office.com/SMTP.Send",
      "offline_access",
    ]);
  });
});

describe("authorize URLs", () => {
  it("carries state, nonce, PKCE S256 and the login hint; drops select_account when hinted", () => {
    const u = new URL(
      buildAuthorizeUrl({
        hosts: sandbox,
        tenantSegment: "tid",
        clientId: "cid",
        redirectUri: "http://localhost:3000/api/oauth/callback",
        scopes: ["a", "b"],
        state: "st",
        nonce: "n",
        codeChallenge: "ch",
        prompt: "select_account",
        loginHint: "helpdesk@contoso.com",
      }),
    );
    expect(u.origin + u.pathname).toBe("https://localhost:4010/tid/oauth2/v2.0/authorize");
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      client_id: "cid",
      response_type: "code",
      scope: "a b",
      state: "st",
      nonce: "n",
      code_challenge: "ch",
      code_challenge_method: "S256",
      login_hint: "helpdesk@contoso.com",
    });
    expect(u.searchParams.has("prompt")).toBe(false);
    const c = new URL(
      buildAuthorizeUrl({
        hosts: sandbox,
        tenantSegment: "tid",
        clientId: "cid",
        redirectUri: "x",
        scopes: [],
        state: "s",
        nonce: "n",
        codeChallenge: "c",
        prompt: "consent",
        loginHint: "a@b.c",
      }),
    );
    expect(c.searchParams.get("prompt")).toBe("consent");
  });
  it("builds the v2 admin consent URL", () => {
    const u = new URL(
      buildAdminConsentUrl({
        hosts: cloudHosts("global"),
        tenantSegment: "contoso.com",
        clientId: "cid",
        redirectUri: "https://x/cb",
        scopes: ["https://graph.microsoft.com/.default"],
        state: "s",
      }),
    );
    expect(u.pathname).toBe("/contoso.com/v2.0/adminconsent");
    expect(u.searchParams.get("scope")).toBe("https://graph.microsoft.com/.default");
  });
  it("makes an S256 PKCE pair", () => {
    const p = createPkcePair();
    expect(p.challenge).toBe(createHash("sha256").update(p.verifier).digest("base64url"));
    expect(p.verifier.length).toBeGreaterThanOrEqual(43);
  });
});

describe("small helpers", () => {
  it("encodes XOAUTH2 exactly as Microsoft's example", () => {
    expect(buildXOAuth2("test@contoso.onmicrosoft.com", "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA")).toBe(
      "dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFvN0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ==",
    );
  });
  it("warns about a pasted secret ID", () => {
    expect(inspectSecretValue("4b2e1c3d-aaaa-4bbb-8ccc-123456789abc")[0].code).toBe("looks_like_secret_id");
    expect(inspectSecretValue("Qx8~abcdefghijklmnopqrstuvwxyz0123456789")).toEqual([]);
  });
  it("places a secret against the 30/14/7/1-day thresholds", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const at = (days: number) => secretExpiryStatus(new Date(now.getTime() + days * 86_400_000), now);
    expect(at(45)).toMatchObject({ level: "ok", threshold: null });
    expect(at(30)).toMatchObject({ level: "notice", threshold: 30 });
    expect(at(10)).toMatchObject({ level: "warning", threshold: 14 });
    expect(at(5)).toMatchObject({ level: "critical", threshold: 7 });
    expect(at(1)).toMatchObject({ level: "critical", threshold: 1 });
    expect(at(-1)).toMatchObject({ level: "expired" });
  });
});
