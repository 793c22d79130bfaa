// The identity platform's rules as Microsoft enforces them (sandbox/FIDELITY.md, "Identity
// platform"), over real HTTPS to the running sandbox: scope rules, discovery, keys, app-only
// tokens, revocation, the scope echo, prompt=none and a declined consent.
import { createHash, X509Certificate } from "node:crypto";
import { jwtVerify, importX509, decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { SEED, SEED_PASSWORD } from "../directory/seed";

let sb: Awaited<ReturnType<typeof startTestSandbox>>;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb?.stop());

const C = SEED.contoso;
const F = SEED.fabrikam;
const IMAP = "https://outlook.office.com/IMAP.AccessAsUser.All";
const SMTP = "https://outlook.office.com/SMTP.Send";
const MAIL_READ = "https://graph.microsoft.com/Mail.Read";
const REDIRECT = "http://localhost:3000/api/oauth/callback";

async function token(form: Record<string, string>, app: { id: string; clientId: string; secret: string } = C) {
  const r = await fetch(`${sb.urls.identity}/${app.id}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({ client_id: app.clientId, client_secret: app.secret, ...form }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

/** Microsoft's error JSON: error, error_description (AADSTS…, Trace ID, Correlation ID, Timestamp), error_codes, ids, error_uri. */
function expectAad(r: { status: number; body: Record<string, any> }, status: number, error: string, code: number, text: RegExp) {
  expect(r.status).toBe(status);
  expect(Object.keys(r.body).sort()).toEqual(
    [
      "correlation_id",
      "error",
      "error_codes",
      "error_description",
      "error_uri",
      "timestamp",
      "trace_id",
      ...Object.keys(r.body).filter((k) => k === "suberror"),
    ].sort(),
  );
  expect(r.body.error).toBe(error);
  expect(r.body.error_codes).toEqual([code]);
  expect(r.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(r.body.error_description).toMatch(text);
  expect(r.body.error_description).toMatch(
    /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  );
  expect(r.body.error_description).toContain(`Trace ID: ${r.body.trace_id}\r\nCorrelation ID: ${r.body.correlation_id}`);
  expect(r.body.error_uri).toBe(`${sb.urls.identity}/error?code=${code}`);
}

const flowOf = async (r: Response) => /name="flow" value="([^"]+)"/.exec(await r.text())?.[1] ?? "";
const cookieOf = (r: Response) => /sbx_sso=([^;]+)/.exec(r.headers.get("set-cookie") ?? "")?.[1];

/** Signs in over HTTP (pages, then consent when asked); returns the redirect and the SSO cookie. */
async function authorize(
  q: Record<string, string>,
  o: { upn?: string; consent?: "accept" | "cancel"; tenant?: string; cookie?: string; path?: string } = {},
) {
  const upn = o.upn ?? `bob@${C.domain}`;
  const params = new URLSearchParams({ client_id: C.clientId, response_type: "code", redirect_uri: REDIRECT, state: "s1", ...q });
  let page = await fetch(`${sb.urls.identity}/${o.tenant ?? C.id}/${o.path ?? "oauth2/v2.0/authorize"}?${params}`, {
    redirect: "manual",
    headers: o.cookie ? { cookie: `sbx_sso=${o.cookie}` } : {},
  });
  let cookie = o.cookie;
  if (page.status === 200 && !o.cookie) {
    page = await fetch(`${sb.urls.identity}/_sandbox/login`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ flow: await flowOf(page), loginfmt: upn, passwd: SEED_PASSWORD }),
    });
    cookie = cookieOf(page) ?? cookie;
  }
  if (page.status === 200)
    page = await fetch(`${sb.urls.identity}/_sandbox/consent`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ flow: await flowOf(page), action: o.consent ?? "accept" }),
    });
  expect(page.status).toBe(302);
  return { location: new URL(page.headers.get("location")!), cookie };
}

const verifier = "v".repeat(43) + "-pkce-verifier-0123456789";
const challenge = createHash("sha256").update(verifier).digest("base64url");
async function code(scope: string, upn?: string) {
  const { location } = await authorize({ scope, code_challenge: challenge, code_challenge_method: "S256" }, { upn });
  expect(location.searchParams.get("code")).toBeTruthy();
  return location.searchParams.get("code")!;
}
const redeem = (c: string, scope: string) =>
  token({ grant_type: "authorization_code", code: c, redirect_uri: REDIRECT, code_verifier: verifier, scope });

describe("scope rules at the token endpoint", () => {
  it("client credentials with a scope other than {resource}/.default is AADSTS1002012; two resources are AADSTS70011", async () => {
    expectAad(
      await token({ grant_type: "client_credentials", scope: "User.Read.All" }),
      400,
      "invalid_scope",
      1002012,
      /^AADSTS1002012: The provided value for scope User\.Read\.All is not valid\. Client credential flows must have a scope value with \/\.default suffixed to the resource identifier \(application ID URI\)\./,
    );
    expectAad(
      await token({
        grant_type: "client_credentials",
        scope: "https://graph.microsoft.com/.default https://outlook.office365.com/.default",
      }),
      400,
      "invalid_scope",
      70011,
      /The scope https:\/\/graph\.microsoft\.com\/\.default https:\/\/outlook\.office365\.com\/\.default is not valid\./,
    );
    expect((await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" })).status).toBe(200);
  });

  it("code redemption naming two resources is AADSTS28000, and the code is still good for one", async () => {
    const c = await code(`${IMAP} ${MAIL_READ} offline_access openid`);
    expectAad(
      await redeem(c, `${IMAP} ${MAIL_READ} offline_access openid`),
      400,
      "invalid_request",
      28000,
      /^AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource\. Scope https:\/\/outlook\.office\.com\/IMAP\.AccessAsUser\.All https:\/\/graph\.microsoft\.com\/Mail\.Read offline_access openid is not valid\./,
    );
    const ok = await redeem(c, `${IMAP} offline_access openid`);
    expect(ok.status).toBe(200);
    expect(ok.body.scope).toBe(IMAP);
    // The refresh token then serves the other consented resource, one resource per request.
    const graph = await token({ grant_type: "refresh_token", refresh_token: ok.body.refresh_token, scope: `${MAIL_READ} offline_access` });
    expect(graph.status).toBe(200);
    expect(graph.body.scope).toBe("Mail.Read profile openid email");
  });

  it("refresh naming two resources is AADSTS28000", async () => {
    const c = await code(`${IMAP} offline_access`);
    const rt = (await redeem(c, `${IMAP} offline_access`)).body.refresh_token as string;
    expectAad(
      await token({ grant_type: "refresh_token", refresh_token: rt, scope: `${IMAP} ${MAIL_READ} offline_access` }),
      400,
      "invalid_request",
      28000,
      /contains more than one resource/,
    );
  });

  it(".default beside static scopes of the same resource is AADSTS70011 (token endpoint and /authorize); .default alone refreshes the granted scopes", async () => {
    const c = await code(`${IMAP} ${SMTP} offline_access`);
    const rt = (await redeem(c, `${IMAP} ${SMTP} offline_access`)).body.refresh_token as string;
    expectAad(
      await token({ grant_type: "refresh_token", refresh_token: rt, scope: `https://outlook.office.com/.default ${IMAP} offline_access` }),
      400,
      "invalid_scope",
      70011,
      /^AADSTS70011: The provided value for the input parameter 'scope' is not valid\. One or more scopes in 'https:\/\/outlook\.office\.com\/\.default https:\/\/outlook\.office\.com\/IMAP\.AccessAsUser\.All offline_access' are not compatible with each other\./,
    );
    const d = await token({ grant_type: "refresh_token", refresh_token: rt, scope: "https://outlook.office.com/.default offline_access" });
    expect(d.status).toBe(200);
    expect(d.body.scope).toBe(`${IMAP} ${SMTP}`);
    const { location } = await authorize({ scope: "https://graph.microsoft.com/.default Mail.Read" });
    expect(location.searchParams.get("error")).toBe("invalid_scope");
    expect(location.searchParams.get("error_description")).toMatch(/^AADSTS70011: .*not compatible with each other\.\r\nTrace ID: /);
  });

  it("/authorize with a scope its resource doesn't define redirects invalid_client / AADSTS650053 (several resources are fine there)", async () => {
    const { location } = await authorize({ scope: "https://graph.microsoft.com/mailread offline_access" });
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("error")).toBe("invalid_client");
    expect(location.searchParams.get("error_description")).toMatch(
      /^AADSTS650053: The application 'Contoso helpdesk mail' asked for scope 'mailread' that doesn't exist on the resource '00000003-0000-0000-c000-000000000000'\. Contact the app vendor\.\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: /,
    );
    expect(location.searchParams.get("error_uri")).toBe(`${sb.urls.identity}/error?code=650053`);
    expect(location.searchParams.get("state")).toBe("s1");
    // Scope names are case-insensitive, and /authorize may span resources.
    expect((await authorize({ scope: `https://graph.microsoft.com/mail.read ${IMAP}` })).location.searchParams.get("code")).toBeTruthy();
  });
});

describe("discovery and keys", () => {
  it("discovery by domain names the tenant GUID everywhere and carries tenant_region_scope and cloud_instance_name", async () => {
    const d = (await (await fetch(`${sb.urls.identity}/${C.domain}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, any>;
    for (const k of ["token_endpoint", "authorization_endpoint", "jwks_uri", "end_session_endpoint", "device_authorization_endpoint"])
      expect(d[k]).toContain(`/${C.id}/`);
    expect(JSON.stringify(d)).not.toContain(C.domain);
    expect(d.issuer).toBe(`${sb.urls.identity}/${C.id}/v2.0`);
    expect(d).toMatchObject({
      tenant_region_scope: "WW",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
    });
    const common = (await (await fetch(`${sb.urls.identity}/common/v2.0/.well-known/openid-configuration`)).json()) as Record<string, any>;
    expect(common.issuer).toBe(`${sb.urls.identity}/{tenantid}/v2.0`);
    expect(common.tenant_region_scope).toBeNull();
  });

  it("the v1 discovery URL serves the v1 document", async () => {
    const d = (await (await fetch(`${sb.urls.identity}/${C.domain}/.well-known/openid-configuration`)).json()) as Record<string, any>;
    expect(d).toMatchObject({
      issuer: `https://sts.windows.net/${C.id}/`,
      token_endpoint: `${sb.urls.identity}/${C.id}/oauth2/token`,
      authorization_endpoint: `${sb.urls.identity}/${C.id}/oauth2/authorize`,
      jwks_uri: `${sb.urls.identity}/common/discovery/keys`,
      scopes_supported: ["openid"],
      microsoft_multi_refresh_token: true,
      tenant_region_scope: "WW",
      cloud_instance_name: "microsoftonline.com",
    });
  });

  it("JWKS keys carry x5c (a certificate for the signing key, x5t its SHA-1 thumbprint) and the v2 issuer", async () => {
    const jwks = (await (await fetch(`${sb.urls.identity}/${C.id}/discovery/v2.0/keys`)).json()) as { keys: Record<string, any>[] };
    const k = jwks.keys[0];
    expect(k).toMatchObject({ kty: "RSA", use: "sig", issuer: `${sb.urls.identity}/${C.id}/v2.0` });
    const cert = new X509Certificate(Buffer.from(k.x5c[0], "base64"));
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(k.x5t).toBe(createHash("sha1").update(cert.raw).digest("base64url"));
    expect(k.kid).toBe(k.x5t);
    const jwk = cert.publicKey.export({ format: "jwk" });
    expect([jwk.n, jwk.e]).toEqual([k.n, k.e]);
    const common = (await (await fetch(`${sb.urls.identity}/common/discovery/v2.0/keys`)).json()) as { keys: Record<string, any>[] };
    expect(common.keys[0].issuer).toBe(`${sb.urls.identity}/{tenantid}/v2.0`);
    // A token verifies against the certificate.
    const tokens = await sb.admin("POST", "/admin/tokens", { upn: `it@${C.domain}`, clientId: C.clientId, scopes: [IMAP] });
    const pem = `-----BEGIN CERTIFICATE-----\n${k.x5c[0]}\n-----END CERTIFICATE-----`;
    await expect(jwtVerify(tokens.body.id_token, await importX509(pem, "RS256"))).resolves.toBeTruthy();
  });
});

describe("tokens", () => {
  it("app-only tokens carry the service principal's stable oid (= sub), idtyp app, and roles only when granted", async () => {
    const a = decodeJwt(
      (await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" })).body.access_token,
    );
    const b = decodeJwt(
      (await token({ grant_type: "client_credentials", scope: "https://outlook.office365.com/.default" })).body.access_token,
    );
    expect(a.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.oid).toBe(a.oid);
    expect(a.sub).toBe(a.oid);
    expect(a.idtyp).toBe("app");
    expect(a.scp).toBeUndefined();
    const other = decodeJwt(
      (await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" }, F)).body.access_token,
    );
    expect(other.oid).not.toBe(a.oid);
    // Contoso's seeded admin consent grants no app role for Graph: no roles claim at all.
    const state = (await sb.admin("GET", "/admin/state")).body as {
      consents: { tenantId: string; clientId: string; kind: string; roles: string[] }[];
    };
    const roles = state.consents
      .filter((c) => c.tenantId === C.id && c.clientId === C.clientId && c.kind === "admin")
      .flatMap((c) => c.roles);
    if (!roles.some((r) => r.startsWith("https://graph.microsoft.com/"))) expect(a).not.toHaveProperty("roles");
    else expect(a.roles).toEqual(expect.arrayContaining([expect.any(String)]));
  });

  it("a password reset or session revocation kills refresh tokens at once; access tokens stay valid until they expire", async () => {
    const t = (await sb.admin("POST", "/admin/tokens", { upn: `helpdesk@${F.domain}`, clientId: F.clientId, scopes: [IMAP] })).body;
    await new Promise((r) => setTimeout(r, 5));
    await sb.admin("POST", `/admin/users/helpdesk@${F.domain}/revoke-sessions`);
    expect((await token({ grant_type: "refresh_token", refresh_token: t.refresh_token, scope: IMAP }, F)).body.error_codes).toEqual([
      50173,
    ]);
    expect((await sb.ctx.verifyAccessToken(t.access_token)).ok).toBe(true);
    expect((await sb.admin("POST", "/admin/introspect", { token: t.access_token })).body.active).toBe(true);
    await sb.admin("POST", `/admin/users/helpdesk@${F.domain}/reset-password`, { password: SEED_PASSWORD });
    expect((await sb.ctx.verifyAccessToken(t.access_token)).ok).toBe(true);
  });

  it("Graph echoes short names plus profile openid email; Outlook echoes qualified names; no refresh_token_expires_in", async () => {
    const g = await redeem(
      await code(`${MAIL_READ} https://graph.microsoft.com/User.Read offline_access openid`, `it@${C.domain}`),
      `${MAIL_READ} https://graph.microsoft.com/User.Read offline_access openid`,
    );
    expect(g.body.scope).toBe("Mail.Read User.Read profile openid email");
    expect(g.body).not.toHaveProperty("refresh_token_expires_in");
    expect(Object.keys(g.body).sort()).toEqual([
      "access_token",
      "expires_in",
      "ext_expires_in",
      "id_token",
      "refresh_token",
      "scope",
      "token_type",
    ]);
    const imap = await redeem(
      await code(`${IMAP} ${SMTP} offline_access openid`, `it@${C.domain}`),
      `${IMAP} ${SMTP} offline_access openid`,
    );
    expect(imap.body.scope).toBe(`${IMAP} ${SMTP}`);
    expect(imap.body).not.toHaveProperty("refresh_token_expires_in");
  });
});

describe("interactive", () => {
  it("prompt=none never renders a page: login_required, consent_required, interaction_required", async () => {
    const none = await fetch(
      `${sb.urls.identity}/${C.id}/oauth2/v2.0/authorize?${new URLSearchParams({ client_id: C.clientId, response_type: "code", redirect_uri: REDIRECT, scope: IMAP, state: "n1", prompt: "none" })}`,
      { redirect: "manual" },
    );
    expect(none.status).toBe(302);
    const l = new URL(none.headers.get("location")!);
    expect(l.searchParams.get("error")).toBe("login_required");
    expect(l.searchParams.get("error_description")).toMatch(/^AADSTS50058: A silent sign-in request was sent but no user is signed in\./);
    expect(l.searchParams.get("state")).toBe("n1");

    // A session for bob, who has consented to IMAP only.
    const { cookie } = await authorize({ scope: `${IMAP} offline_access` }, { upn: `bob@${C.domain}` });
    expect(cookie).toBeTruthy();
    const silent = await authorize({ scope: IMAP, prompt: "none" }, { cookie });
    expect(silent.location.searchParams.get("code")).toBeTruthy();
    const more = await authorize({ scope: "https://graph.microsoft.com/Mail.Send.Shared", prompt: "none" }, { cookie });
    expect(more.location.searchParams.get("error")).toBe("consent_required");
    expect(more.location.searchParams.get("error_description")).toMatch(/^AADSTS65001: /);
    await sb.admin("PATCH", `/admin/users/bob@${C.domain}`, { mfaRequired: true });
    const mfa = await authorize({ scope: IMAP, prompt: "none" }, { cookie });
    expect(mfa.location.searchParams.get("error")).toBe("interaction_required");
    expect(mfa.location.searchParams.get("error_description")).toMatch(/^AADSTS50076: /);
    await sb.admin("PATCH", `/admin/users/bob@${C.domain}`, { mfaRequired: false });
  });

  it("a declined consent redirects access_denied / AADSTS65004 with error_uri; the admin-consent one adds admin_consent=True and no tenant", async () => {
    const u = (await authorize({ scope: MAIL_READ, prompt: "consent" }, { upn: `helpdesk@${C.domain}`, consent: "cancel" })).location;
    expect(u.searchParams.get("error")).toBe("access_denied");
    expect(u.searchParams.get("error_description")).toMatch(
      /^AADSTS65004: User declined to consent to access the app\.\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(u.searchParams.get("error_uri")).toBe(`${sb.urls.identity}/error?code=65004`);
    expect([...u.searchParams.keys()]).toEqual(["error", "error_description", "error_uri", "state"]);
    const a = (
      await authorize(
        { scope: "https://graph.microsoft.com/.default", redirect_uri: REDIRECT },
        { upn: `admin@${C.domain}`, consent: "cancel", path: "v2.0/adminconsent" },
      )
    ).location;
    expect([...a.searchParams.keys()]).toEqual(["error", "error_description", "error_uri", "admin_consent", "state"]);
    expect(a.searchParams.get("error")).toBe("access_denied");
    expect(a.searchParams.get("admin_consent")).toBe("True");
    expect(a.searchParams.get("error_description")).toMatch(/^AADSTS65004: User declined to consent to access the app\./);
  });
});
