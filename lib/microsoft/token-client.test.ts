// Against a real local HTTPS server that answers like Microsoft's token endpoint (as the Sandbox
// cloud's login host: the token client calls nothing else).
import type http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { loadOrCreateTls } from "../../sandbox/tls/tls";
import { resetEnvCache } from "../env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exported, generateKeyPair, SignJWT } from "./testing-jose";
import { clientCredentials, exchangeCode, refreshAccessToken } from "./token-client";
import { verifyIdToken } from "./id-token";
import { resolveTenant } from "./tenant-discovery";
import { cloudHosts } from "./clouds";

const TID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
let base = "";
let server: https.Server;
let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let lastForm: URLSearchParams | null = null;

function aadError(res: http.ServerResponse, status: number, error: string, code: number, msg: string, suberror?: string) {
  const ts = "2026-11-22 10:00:00Z";
  res.writeHead(status, { "content-type": "application/json" }).end(
    JSON.stringify({
      error,
      error_description: `AADSTS${code}: ${msg}\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: ${ts}`,
      error_codes: [code],
      timestamp: ts,
      trace_id: "t",
      correlation_id: "c",
      ...(suberror ? { suberror } : {}),
    }),
  );
}

beforeAll(async () => {
  keys = await generateKeyPair("RS256");
  const jwk = { ...(await exported(keys.publicKey)), kid: "k1", use: "sig", alg: "RS256" };
  const tls = loadOrCreateTls(path.resolve(".data/test-ca/probe"), path.resolve(".data/test-ca"));
  server = https.createServer({ key: tls.key, cert: tls.cert }, (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url!, "http://x");
      if (url.pathname.endsWith("/discovery/v2.0/keys"))
        return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
      if (url.pathname.endsWith("/.well-known/openid-configuration")) {
        const t = url.pathname.split("/")[1];
        if (t === "nope.example.com") return aadError(res, 400, "invalid_tenant", 90002, `Tenant '${t}' not found.`);
        return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ issuer: `${base}/${TID}/v2.0` }));
      }
      const form = new URLSearchParams(body);
      lastForm = form;
      if (form.get("client_secret") === "expired")
        return aadError(res, 401, "invalid_client", 7000222, "The provided client secret keys for app 'x' are expired.");
      if (form.get("client_secret") === "outage") return res.writeHead(503, { "retry-after": "7" }).end("<html>down</html>");
      if (form.get("refresh_token") === "dead")
        return aadError(res, 400, "invalid_grant", 700082, "The refresh token has expired due to inactivity.", "bad_token");
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          token_type: "Bearer",
          expires_in: 3599,
          ext_expires_in: 3599,
          scope: "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send",
          access_token: "at",
          refresh_token: "rt2",
          id_token: "id",
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `https://localhost:${(server.address() as AddressInfo).port}`;
  sandboxLogin(base);
});

function sandboxLogin(url: string) {
  Object.assign(process.env, { SANDBOX_ENABLED: "true", SANDBOX_LOGIN_URL: url });
  resetEnvCache();
}
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const auth = (secret = "s3cret") => ({ tokenUrl: `${base}/${TID}/oauth2/v2.0/token`, clientId: "cid", clientSecret: secret });

describe("token client", () => {
  it("redeems a code with PKCE and parses Microsoft's answer", async () => {
    const r = await exchangeCode(auth(), {
      code: "c",
      redirectUri: "http://localhost/cb",
      codeVerifier: "v",
      scopes: ["a", "offline_access"],
    });
    expect(r).toMatchObject({
      ok: true,
      accessToken: "at",
      refreshToken: "rt2",
      expiresIn: 3599,
      scopes: ["https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"],
    });
    expect(Object.fromEntries(lastForm!)).toMatchObject({
      grant_type: "authorization_code",
      code: "c",
      code_verifier: "v",
      client_id: "cid",
      scope: "a offline_access",
    });
  });
  it("returns typed AADSTS errors without secrets in them", async () => {
    const r = await refreshAccessToken(auth(), { refreshToken: "dead", scopes: ["x"] });
    expect(r).toMatchObject({
      ok: false,
      kind: "http",
      status: 400,
      error: "invalid_grant",
      aadsts: [700082],
      suberror: "bad_token",
      traceId: "t",
    });
    const e = await clientCredentials(auth("expired"), { scope: "https://graph.microsoft.com/.default" });
    expect(e).toMatchObject({ ok: false, status: 401, error: "invalid_client", aadsts: [7000222] });
    expect(JSON.stringify(e)).not.toContain('expired"');
  });
  it("types outages and network failures as such", async () => {
    expect(await clientCredentials(auth("outage"), { scope: "s" })).toMatchObject({
      ok: false,
      kind: "http",
      status: 503,
      retryAfterSeconds: 7,
    });
    sandboxLogin("https://localhost:1");
    expect(await clientCredentials({ ...auth(), tokenUrl: `https://localhost:1/${TID}/oauth2/v2.0/token` }, { scope: "s" })).toMatchObject({
      ok: false,
      kind: "network",
    });
    sandboxLogin(base);
  });
  it("calls nothing but a Microsoft login host of an enabled cloud", async () => {
    lastForm = null;
    for (const tokenUrl of [
      `http://${base.slice(8)}/${TID}/oauth2/v2.0/token`,
      `${base}/${TID}/oauth2/v2.0/token?x=1`,
      `https://127.0.0.1:${new URL(base).port}/${TID}/oauth2/v2.0/token`,
      "data:application/json,{}",
    ]) {
      expect(await clientCredentials({ ...auth(), tokenUrl }, { scope: "s" })).toMatchObject({ ok: false, error: "untrusted_endpoint" });
    }
    expect(
      await clientCredentials({ ...auth(), tokenUrl: `${base}/${TID}/oauth2/v2.0/token`, cloud: "global" }, { scope: "s" }),
    ).toMatchObject({ ok: false, error: "untrusted_endpoint" });
    expect(lastForm).toBeNull();
  });
});

describe("id_token", () => {
  const issuer = (tid: string) => `${base}/${tid}/v2.0`;
  const sign = (claims: Record<string, unknown>, key = keys.privateKey) =>
    new SignJWT({ tid: TID, oid: "o1", preferred_username: "Helpdesk@Contoso.com", nonce: "n1", ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(issuer(TID))
      .setAudience("cid")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key);

  it("accepts a valid token and returns the identity", async () => {
    const r = await verifyIdToken(await sign({}), {
      jwksUrl: `${base}/${TID}/discovery/v2.0/keys`,
      issuer,
      clientId: "cid",
      nonce: "n1",
      expectedTid: TID,
    });
    expect(r).toEqual({ ok: true, identity: { oid: "o1", tid: TID, upn: "helpdesk@contoso.com", name: null } });
  });
  it("refuses a wrong nonce, audience, tenant or key", async () => {
    const p = { jwksUrl: `${base}/${TID}/discovery/v2.0/keys`, issuer, clientId: "cid", nonce: "n1" };
    expect(await verifyIdToken(await sign({ nonce: "other" }), p)).toMatchObject({ ok: false, reason: "nonce" });
    expect(await verifyIdToken(await sign({}), { ...p, clientId: "other" })).toMatchObject({ ok: false, reason: "audience" });
    expect(await verifyIdToken(await sign({}), { ...p, expectedTid: "00000000-0000-0000-0000-000000000000" })).toMatchObject({
      ok: false,
      reason: "tenant",
    });
    const stranger = await generateKeyPair("RS256");
    expect(await verifyIdToken(await sign({}, stranger.privateKey), p)).toMatchObject({ ok: false, reason: "signature" });
    expect(await verifyIdToken("garbage", p)).toMatchObject({ ok: false, reason: "malformed" });
  });
});

describe("tenant discovery", () => {
  const hosts = { ...cloudHosts("global"), loginUrl: "" };
  it("resolves a domain to the tenant GUID from the issuer", async () => {
    expect(await resolveTenant({ hosts: { ...hosts, loginUrl: base }, input: "contoso.com" })).toEqual({
      ok: true,
      tenantId: TID,
      issuer: `${base}/${TID}/v2.0`,
    });
  });
  it("answers AADSTS90002 for an unknown tenant", async () => {
    const r = await resolveTenant({ hosts: { ...hosts, loginUrl: base }, input: "nope.example.com" });
    expect(r).toMatchObject({ ok: false, failure: { source: "discovery", status: 400, error: "invalid_tenant", aadsts: [90002] } });
  });
});
