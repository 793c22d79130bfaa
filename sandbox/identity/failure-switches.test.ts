// Every token-endpoint AADSTS failure, triggered through the admin API and asserted as
// Microsoft sends it: HTTP status, `error`, the code and the message text.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { SEED } from "../directory/seed";

let sb: Awaited<ReturnType<typeof startTestSandbox>>;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb?.stop());

const C = SEED.contoso;
const IMAP = "https://outlook.office.com/IMAP.AccessAsUser.All";

async function token(form: Record<string, string>, tenant: string = C.id) {
  const r = await fetch(`${sb.urls.identity}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({ client_id: C.clientId, client_secret: C.secret, ...form }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, any>, headers: r.headers };
}
async function rt(upn = `helpdesk@${C.domain}`) {
  const r = await sb.admin("POST", "/admin/tokens", { upn, clientId: C.clientId, scopes: [IMAP, "offline_access", "openid"] });
  expect(r.status).toBe(200);
  return r.body.refresh_token as string;
}
const refresh = (refresh_token: string) => token({ grant_type: "refresh_token", refresh_token, scope: IMAP });

function expectAad(r: { status: number; body: Record<string, any> }, status: number, error: string, code: number, text: RegExp) {
  expect(r.status).toBe(status);
  expect(r.body.error).toBe(error);
  expect(r.body.error_codes).toEqual([code]);
  expect(r.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(r.body.error_description).toMatch(text);
  expect(r.body.error_description).toMatch(
    /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  );
  expect(r.body).toHaveProperty("trace_id");
  expect(r.body).toHaveProperty("correlation_id");
}

describe("token endpoint failures", () => {
  it("refresh works and rotates; the old refresh token stays valid", async () => {
    const old = await rt();
    const a = await refresh(old);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ token_type: "Bearer", scope: IMAP });
    expect(typeof a.body.expires_in).toBe("number");
    expect(a.body.refresh_token).not.toBe(old);
    expect((await refresh(old)).status).toBe(200);
  });

  it("AADSTS7000215 invalid secret, 7000222 expired secret, 7000218 missing secret", async () => {
    expectAad(
      await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default", client_secret: "not-the-secret" }),
      401,
      "invalid_client",
      7000215,
      /not the client secret ID/,
    );
    expectAad(
      await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default", client_secret: "" }),
      401,
      "invalid_client",
      7000218,
      /client_secret/,
    );
    const s = await sb.admin("POST", `/admin/apps/${C.clientId}/secrets`, { expiresInDays: 30 });
    await sb.admin("POST", `/admin/apps/${C.clientId}/secrets/${s.body.id}/expire`);
    expectAad(
      await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default", client_secret: s.body.value }),
      401,
      "invalid_client",
      7000222,
      /are expired/,
    );
  });

  it("AADSTS700082 after 90 days of inactivity, and proactive use prevents it", async () => {
    const quiet = await rt(`bob@${C.domain}`);
    const busy = await rt(`it@${C.domain}`);
    await sb.admin("POST", "/admin/clock", { advanceDays: 60 });
    expect((await refresh(busy)).status).toBe(200);
    await sb.admin("POST", "/admin/clock", { advanceDays: 31 });
    expectAad(await refresh(quiet), 400, "invalid_grant", 700082, /inactive for 90\.00:00:00/);
    expect((await refresh(quiet)).body.suberror).toBe("bad_token");
    expect((await refresh(busy)).status).toBe(200);
    await sb.admin("POST", "/admin/clock", { reset: true });
  });

  it("AADSTS50173 after an admin password reset or revoke-sessions, but not after a self-service change", async () => {
    const a = await rt(`admin@${C.domain}`);
    await sb.admin("POST", `/admin/users/admin@${C.domain}/reset-password`, { password: "N3wPassw0rd!", selfService: true });
    expect((await refresh(a)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    await sb.admin("POST", `/admin/users/admin@${C.domain}/reset-password`, { password: "Passw0rd!" });
    expectAad(await refresh(a), 400, "invalid_grant", 50173, /revoked/);
    await new Promise((r) => setTimeout(r, 5));
    const b = await rt(`helpdesk@${C.domain}`);
    await new Promise((r) => setTimeout(r, 5));
    await sb.admin("POST", `/admin/users/helpdesk@${C.domain}/revoke-sessions`);
    expectAad(await refresh(b), 400, "invalid_grant", 50173, /TokensValidFrom/);
  });

  it("AADSTS50076 MFA, 53003 Conditional Access, 70043 sign-in frequency", async () => {
    const u = `bob@${C.domain}`;
    const t = await rt(u);
    await sb.admin("PATCH", `/admin/users/${u}`, { mfaRequired: true });
    const mfa = await refresh(t);
    expectAad(mfa, 400, "invalid_grant", 50076, /multi-factor authentication/);
    expect(mfa.body.suberror).toBe("basic_action");
    await sb.admin("PATCH", `/admin/users/${u}`, { mfaRequired: false, caBlocked: true });
    expectAad(await refresh(t), 400, "invalid_grant", 53003, /Conditional Access/);
    await sb.admin("PATCH", `/admin/users/${u}`, { caBlocked: false, signInFrequencyDays: 1 });
    await sb.admin("POST", "/admin/clock", { advanceDays: 2 });
    expectAad(await refresh(t), 400, "invalid_grant", 70043, /sign-in frequency/);
    await sb.admin("POST", "/admin/clock", { reset: true });
    await sb.admin("PATCH", `/admin/users/${u}`, { signInFrequencyDays: null });
  });

  it("AADSTS65001 after consent is removed, 700016 after the app is deleted from the tenant", async () => {
    const t = await rt(`it@${C.domain}`);
    await sb.admin("DELETE", `/admin/tenants/${C.id}/consents/${C.clientId}`);
    const r = await refresh(t);
    expectAad(r, 400, "invalid_grant", 65001, /has not consented/);
    expect(r.body.suberror).toBe("consent_required");
    await sb.admin("DELETE", `/admin/tenants/${C.id}/apps/${C.clientId}`);
    expectAad(await refresh(t), 400, "unauthorized_client", 700016, /was not found in the directory/);
  });

  it("AADSTS90002 unknown tenant, 9002313 mangled token, 1002012 bad scope, 9001023 client credentials on /common", async () => {
    expectAad(
      await token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" }, "nope.example.com"),
      400,
      "invalid_tenant",
      90002,
      /not found/,
    );
    expectAad(
      await token({ grant_type: "refresh_token", refresh_token: "garbage" }, SEED.fabrikam.id),
      400,
      "invalid_grant",
      9002313,
      /malformed/,
    );
    const f = (form: Record<string, string>, tenant?: string) =>
      fetch(`${sb.urls.identity}/${tenant ?? SEED.fabrikam.id}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({ client_id: SEED.fabrikam.clientId, client_secret: SEED.fabrikam.secret, ...form }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
    expectAad(
      await f({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/Mail.Read" }),
      400,
      "invalid_scope",
      1002012,
      /Client credential flows must have a scope value with \/\.default suffixed/,
    );
    expectAad(
      await f({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" }, "common"),
      400,
      "invalid_request",
      9001023,
      /common/,
    );
  });

  it("the token endpoint fault switch answers 503 then 500, then recovers", async () => {
    await sb.admin("POST", "/admin/faults/token-endpoint", { mode: "503", count: 1 });
    const f = (form: Record<string, string>) =>
      fetch(`${sb.urls.identity}/${SEED.northwind.id}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({ client_id: SEED.northwind.clientId, client_secret: SEED.northwind.secret, ...form }),
      });
    const a = await f({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" });
    expect(a.status).toBe(503);
    expect(a.headers.get("retry-after")).toBe("5");
    await sb.admin("POST", "/admin/faults/token-endpoint", { mode: "500", count: 1 });
    expect((await f({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" })).status).toBe(500);
    expect((await f({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" })).status).toBe(200);
  });

  it("bad admin input gets a clear 400, unknown ids a 404", async () => {
    expect(await sb.admin("POST", "/admin/clock", { advanceDays: "x" })).toMatchObject({ status: 400 });
    expect(await sb.admin("PATCH", "/admin/users/nobody@x.com", { mfaRequired: true })).toMatchObject({ status: 404 });
  });

  it("state survives a restart", async () => {
    const { startSandbox } = await import("../server");
    await sb.admin("PATCH", `/admin/tenants/${SEED.fabrikam.id}`, { usersMayConsent: false });
    const dataDir = sb.ctx.dataDir;
    await sb.stop();
    const again = await startSandbox({
      dataDir,
      quiet: true,
      ports: { identity: 0, graph: 0, imap: 0, pop: 0, smtp: 0 },
      tls: { caDir: ".data/test-ca" },
    });
    expect(again.ctx.directory.getTenant(SEED.fabrikam.id)?.usersMayConsent).toBe(false);
    await again.stop();
    sb = await startTestSandbox();
  });
});

// The sign-in pages driven over plain HTTP (the browser-driven version is msal-flow.test.ts),
// for the failures that need a real authorization code.
async function authCode(challenge: { value: string; method: "S256" | "plain" }) {
  const redirectUri = "http://localhost:3000/api/oauth/callback";
  const q = new URLSearchParams({
    client_id: C.clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: `${IMAP} offline_access openid`,
    state: "s1",
    code_challenge: challenge.value,
    code_challenge_method: challenge.method,
    login_hint: `bob@${C.domain}`,
  });
  let page = await fetch(`${sb.urls.identity}/${C.id}/oauth2/v2.0/authorize?${q}`, { redirect: "manual" });
  const flowOf = async (r: Response) => /name="flow" value="([^"]+)"/.exec(await r.text())?.[1] ?? "";
  page = await fetch(`${sb.urls.identity}/_sandbox/login`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: await flowOf(page), loginfmt: `bob@${C.domain}`, passwd: "Passw0rd!" }),
  });
  if (page.status === 200)
    page = await fetch(`${sb.urls.identity}/_sandbox/consent`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ flow: await flowOf(page), action: "accept" }),
    });
  const loc = new URL(page.headers.get("location") ?? "http://x/");
  expect(loc.searchParams.get("state")).toBe("s1");
  return { code: loc.searchParams.get("code")!, redirectUri };
}

describe("authorization code failures", () => {
  const verifier = "v".repeat(43) + "-pkce-verifier-0123456789";
  const s256 = createHash("sha256").update(verifier).digest("base64url");

  it("a code redeems once: AADSTS54005 on reuse", async () => {
    const { code, redirectUri } = await authCode({ value: s256, method: "S256" });
    const first = await token({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: verifier, scope: IMAP });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toBeTruthy();
    const again = await token({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: verifier, scope: IMAP });
    expectAad(again, 400, "invalid_grant", 54005, /Authorization code was already redeemed/);
  });

  it("PKCE is verified: a wrong code_verifier is AADSTS501481", async () => {
    const { code, redirectUri } = await authCode({ value: s256, method: "S256" });
    const r = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      code_verifier: "w".repeat(50),
      scope: IMAP,
    });
    expectAad(r, 400, "invalid_grant", 501481, /Code_Verifier does not match the code_challenge/);
    // The plain method compares the verifier itself.
    const plain = await authCode({ value: verifier, method: "plain" });
    expect(
      (
        await token({
          grant_type: "authorization_code",
          code: plain.code,
          redirect_uri: plain.redirectUri,
          code_verifier: verifier,
          scope: IMAP,
        })
      ).status,
    ).toBe(200);
  });
});
