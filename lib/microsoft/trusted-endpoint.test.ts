// The URL allowlist behind authority/token overrides, token requests and browser sign-in hops.
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "../env";
import { checkMicrosoftEndpoint, isNavigableSignInUrl } from "./trusted-endpoint";
import { trustedMicrosoftUrl } from "../microsoft/trusted-microsoft-url";
import { ZAppCreate, ZAppUpdate } from "../apps/schemas";

const GLOBAL = ["https://login.microsoftonline.com"];
const T = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ok = (raw: string, kind: "authority" | "token" | "signin", origins = GLOBAL) => checkMicrosoftEndpoint(raw, kind, origins).ok;

describe("Microsoft endpoint allowlist", () => {
  it("accepts the cloud's own v2 endpoints", () => {
    expect(ok(`https://login.microsoftonline.com/${T}`, "authority")).toBe(true);
    expect(ok("https://login.microsoftonline.com/contoso.onmicrosoft.com/", "authority")).toBe(true);
    expect(ok(`https://login.microsoftonline.com/${T}/oauth2/v2.0/token`, "token")).toBe(true);
    expect(ok("https://LOGIN.microsoftonline.com:443/organizations/oauth2/v2.0/token", "token")).toBe(true);
    expect(ok(`https://login.microsoftonline.com/${T}/oauth2/v2.0/authorize?client_id=x&state=y`, "signin")).toBe(true);
    expect(ok(`https://login.microsoftonline.com/${T}/v2.0/adminconsent?client_id=x`, "signin")).toBe(true);
  });

  it("refuses other schemes: javascript:, data:, http:, file:", () => {
    expect(ok("javascript:alert(document.cookie)//", "authority")).toBe(false);
    expect(ok(`javascript:alert(1)//login.microsoftonline.com/${T}/oauth2/v2.0/authorize`, "signin")).toBe(false);
    expect(ok('data:application/json,{"access_token":"x","token_type":"Bearer","expires_in":3600}', "token")).toBe(false);
    expect(ok(`http://login.microsoftonline.com/${T}/oauth2/v2.0/token`, "token")).toBe(false);
    expect(ok("file:///etc/passwd", "token")).toBe(false);
    expect(checkMicrosoftEndpoint("javascript:alert(1)", "authority", GLOBAL)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/https/),
    });
  });

  it("refuses userinfo, lookalike hosts, other ports and trailing dots", () => {
    expect(ok(`https://evil.test@login.microsoftonline.com/${T}/oauth2/v2.0/token`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.com:pw@evil.test/${T}/oauth2/v2.0/token`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.com.evil.test/${T}/oauth2/v2.0/token`, "token")).toBe(false);
    expect(ok(`https://evil-login.microsoftonline.com/${T}/oauth2/v2.0/token`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.com./${T}/oauth2/v2.0/token`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.com:8443/${T}/oauth2/v2.0/token`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.us/${T}/oauth2/v2.0/token`, "token")).toBe(false); // another cloud
  });

  it("refuses paths, queries and fragments that aren't the endpoint's shape", () => {
    expect(ok(`https://login.microsoftonline.com/${T}/oauth2/v2.0/token?x=1`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.com/${T}/oauth2/v2.0/token#x`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.com/${T}/oauth2/token`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.com/a%2F..%2Fb/oauth2/v2.0/token`, "token")).toBe(false);
    expect(ok(`https://login.microsoftonline.com/${T}/oauth2/v2.0/authorize`, "authority")).toBe(false);
    expect(ok(`https://login.microsoftonline.com/`, "authority")).toBe(false);
    expect(ok(`https://login.microsoftonline.com/${T}/logout`, "signin")).toBe(false);
  });

  it("a port is allowed only when the cloud's host has it (the sandbox)", () => {
    const sb = ["https://localhost:4010"];
    expect(ok(`https://localhost:4010/${T}/oauth2/v2.0/token`, "token", sb)).toBe(true);
    expect(ok(`https://localhost:4011/${T}/oauth2/v2.0/token`, "token", sb)).toBe(false);
    expect(ok(`https://localhost/${T}/oauth2/v2.0/token`, "token", sb)).toBe(false);
    expect(ok(`https://127.0.0.1:4010/${T}/oauth2/v2.0/token`, "token", sb)).toBe(false);
  });
});

describe("per cloud, with the sandbox on or off", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });
  const sandbox = (on: boolean) => {
    Object.assign(process.env, { SANDBOX_ENABLED: on ? "true" : "false", SANDBOX_LOGIN_URL: "https://localhost:4010" });
    resetEnvCache();
  };
  const tok = (origin: string) => `${origin}/${T}/oauth2/v2.0/token`;

  it("checks against the tenant's cloud", () => {
    sandbox(true);
    expect(trustedMicrosoftUrl(tok("https://login.microsoftonline.us"), "usgov", "token").ok).toBe(true);
    expect(trustedMicrosoftUrl(tok("https://login.microsoftonline.com"), "usgov", "token").ok).toBe(false);
    expect(trustedMicrosoftUrl(tok("https://login.partner.microsoftonline.cn"), "china", "token").ok).toBe(true);
    expect(trustedMicrosoftUrl(tok("https://localhost:4010"), "global", "token").ok).toBe(false);
    // An app serving several tenants: any enabled cloud.
    expect(trustedMicrosoftUrl(tok("https://localhost:4010"), null, "token").ok).toBe(true);
  });

  it("the sandbox host counts only while SANDBOX_ENABLED is on", () => {
    sandbox(true);
    expect(trustedMicrosoftUrl(tok("https://localhost:4010"), "sandbox", "token").ok).toBe(true);
    sandbox(false);
    expect(trustedMicrosoftUrl(tok("https://localhost:4010"), "sandbox", "token").ok).toBe(false);
    expect(trustedMicrosoftUrl(tok("https://localhost:4010"), null, "token").ok).toBe(false);
  });
});

describe("app override schemas", () => {
  const base = {
    tenantId: null,
    displayName: "A",
    clientId: "11111111-2222-3333-4444-555555555555",
    kind: "multi_tenant",
    scopeProfile: "imap_smtp",
    secret: { value: "s", expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
  };
  it("refuses javascript:, data: and http: overrides that zod's url() accepted", () => {
    for (const bad of [
      "javascript:alert(1)//",
      "data:text/html,x",
      `http://login.microsoftonline.com/${T}`,
      `https://u:p@login.microsoftonline.com/${T}`,
    ]) {
      expect(ZAppCreate.safeParse({ ...base, authorityOverride: bad }).success).toBe(false);
      expect(ZAppUpdate.safeParse({ authorityOverride: bad }).success).toBe(false);
    }
    expect(ZAppCreate.safeParse({ ...base, tokenEndpointOverride: 'data:application/json,{"access_token":"x"}' }).success).toBe(false);
    expect(ZAppUpdate.safeParse({ tokenEndpointOverride: `https://login.microsoftonline.com/${T}/oauth2/v2.0/token` }).success).toBe(true);
    expect(ZAppUpdate.safeParse({ authorityOverride: null }).success).toBe(true);
  });
});

describe("browser sign-in hops", () => {
  it("follows only https Microsoft or loopback sandbox sign-in URLs", () => {
    expect(isNavigableSignInUrl(`https://login.microsoftonline.com/${T}/oauth2/v2.0/authorize?client_id=x`)).toBe(true);
    expect(isNavigableSignInUrl(`https://localhost:4010/${T}/oauth2/v2.0/authorize?client_id=x`)).toBe(true);
    expect(isNavigableSignInUrl(`javascript:alert(1)//oauth2/v2.0/authorize?x`)).toBe(false);
    expect(isNavigableSignInUrl(`https://evil.test/${T}/oauth2/v2.0/authorize?client_id=x`)).toBe(false);
    expect(isNavigableSignInUrl(`https://login.microsoftonline.com.evil.test/${T}/oauth2/v2.0/authorize`)).toBe(false);
    expect(isNavigableSignInUrl(`http://localhost:4010/${T}/oauth2/v2.0/authorize`)).toBe(false);
  });
});
