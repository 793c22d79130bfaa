// Integration (real PostgreSQL, real listeners): a client secret or refresh token goes only to the
// tenant's cloud's Microsoft login host. An override stored before validation existed (or written
// straight into the database) pointing anywhere else is never called, a data: URL never "proves" a
// secret, and a redirect from an allowed host is not followed.
import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { sealValue } from "../crypto";
import { resetEnvCache } from "../env";
import { loadOrCreateTls } from "../../sandbox/tls/tls";
import type { TScope } from "../auth/session";
import { verifyApp } from "./secrets";
import { createApp } from "./create-app";
import { updateApp } from "./update-app";
import { ZAppCreate } from "./schemas";
import { loadAppForConsent } from "../grants/load-app-for-consent";
import { authorizeUrl } from "../consent/ms-adapter";

const TID = "3c5e3f1a-7b0e-4d5e-9f5a-1b2c3d4e5f60";
const TOKEN = JSON.stringify({ token_type: "Bearer", access_token: "at", refresh_token: "rt", expires_in: 3600, scope: "x" });

type TListener = { base: string; hits: string[]; close: () => void };
async function listen(kind: "http" | "https", answer: (res: http.ServerResponse) => void): Promise<TListener> {
  const hits: string[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push(`${req.method} ${req.url} ${body}`);
      answer(res);
    });
  };
  const tls = loadOrCreateTls(path.resolve(".data/test-ca/probe"), path.resolve(".data/test-ca"));
  const srv = kind === "https" ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as AddressInfo).port;
  return { base: `${kind}://${kind === "https" ? "localhost" : "127.0.0.1"}:${port}`, hits, close: () => srv.close() };
}

let evil: TListener; // answers like a token endpoint that accepts anything
let plain: TListener; // an http receiver a redirect would hand the secret to
let sandboxHost: TListener; // the (enabled) sandbox cloud's login host, which redirects
beforeAll(async () => {
  evil = await listen("https", (res) => res.writeHead(200, { "content-type": "application/json" }).end(TOKEN));
  plain = await listen("http", (res) => res.writeHead(200, { "content-type": "application/json" }).end(TOKEN));
  sandboxHost = await listen("https", (res) => res.writeHead(307, { location: `${plain.base}/steal` }).end());
});
afterAll(() => [evil, plain, sandboxHost].forEach((l) => l?.close()));
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

async function fixture(cloud: "global" | "sandbox", overrides: { tokenEndpointOverride?: string; authorityOverride?: string }) {
  const ws = await db().workspace.create({ data: { name: "Egress", slug: `eg-${randomUUID()}` } });
  const tenant = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "Contoso", directoryId: TID, cloud } });
  const app = await db().appRegistration.create({
    data: {
      workspaceId: ws.id,
      tenantId: tenant.id,
      displayName: "App",
      clientId: randomUUID(),
      ...overrides,
      secrets: {
        create: {
          ...((id) => ({
            id,
            workspaceId: ws.id,
            sealedValue: sealValue("the-client-secret", "client_secret", { workspaceId: ws.id, rowId: id }),
          }))(randomUUID()),
          last4: "cret",
          expiresAt: new Date(Date.now() + 86_400_000 * 100),
          status: "active",
        },
      },
    },
  });
  const scope: TScope = {
    staffUserId: randomUUID(),
    email: "admin@msp.test",
    name: "Admin",
    workspaceId: ws.id,
    workspaceName: "Egress",
    role: "admin",
    hasAllTenants: true,
    tenantIds: [],
  };
  return { ws, tenant, app, scope, actor: { workspaceId: ws.id, email: "admin@msp.test" } };
}

describe("override URLs never carry a secret off Microsoft's hosts", () => {
  it("a stored token-endpoint override on another host is never called, and the secret isn't proven", async () => {
    const f = await fixture("global", { tokenEndpointOverride: `${evil.base}/${TID}/oauth2/v2.0/token` });
    const r = await verifyApp({ workspaceId: f.ws.id, appId: f.app.id, scope: f.scope, actor: f.actor });
    expect(r.ok).toBe(false);
    expect(evil.hits).toEqual([]);
  });

  it("the refresh path (a connected mailbox) doesn't call it either", async () => {
    const f = await fixture("global", { tokenEndpointOverride: `${evil.base}/${TID}/oauth2/v2.0/token` });
    const mb = await db().mailbox.create({
      data: { workspaceId: f.ws.id, tenantId: f.tenant.id, appRegistrationId: f.app.id, address: "a@contoso.test", state: "connected" },
    });
    await db().grant.create({
      data: {
        workspaceId: f.ws.id,
        tenantId: f.tenant.id,
        mailboxId: mb.id,
        upn: "a@contoso.test",
        oid: randomUUID(),
        tid: TID,
        scopes: ["https://outlook.office.com/IMAP.AccessAsUser.All"],
        sealedRefreshToken: sealValue("the-refresh-token", "refresh_token", { workspaceId: f.ws.id, rowId: mb.id }),
        refreshTokenIssuedAt: new Date(),
        lastRefreshAt: new Date(),
      },
    });
    const r = await verifyApp({ workspaceId: f.ws.id, appId: f.app.id, scope: f.scope, actor: f.actor });
    expect(r.ok).toBe(false);
    expect(evil.hits).toEqual([]);
  });

  it("a data: URL never makes a secret proven", async () => {
    const f = await fixture("global", { tokenEndpointOverride: `data:application/json,${encodeURIComponent(TOKEN)}` });
    const r = await verifyApp({ workspaceId: f.ws.id, appId: f.app.id, scope: f.scope, actor: f.actor });
    expect(r.ok).toBe(false);
    expect((await db().appSecret.findFirstOrThrow({ where: { appRegistrationId: f.app.id } })).verifiedAt).toBeNull();
  });

  it("the sandbox host is refused while the sandbox is off", async () => {
    Object.assign(process.env, { SANDBOX_ENABLED: "false", SANDBOX_LOGIN_URL: evil.base });
    resetEnvCache();
    const f = await fixture("sandbox", {});
    const r = await verifyApp({ workspaceId: f.ws.id, appId: f.app.id, scope: f.scope, actor: f.actor });
    expect(r.ok).toBe(false);
    expect(evil.hits).toEqual([]);
  });

  it("an allowed host's redirect is not followed", async () => {
    Object.assign(process.env, { SANDBOX_ENABLED: "true", SANDBOX_LOGIN_URL: sandboxHost.base });
    resetEnvCache();
    const f = await fixture("sandbox", {});
    const r = await verifyApp({ workspaceId: f.ws.id, appId: f.app.id, scope: f.scope, actor: f.actor });
    expect(r.ok).toBe(false);
    expect(sandboxHost.hits).toHaveLength(1); // the allowed host was asked...
    expect(plain.hits).toEqual([]); // ...and its redirect went nowhere
  });
});

describe("overrides are validated on write and where sign-in URLs are built", () => {
  it("create and update refuse an override off the tenant's cloud with a 400 at the field", async () => {
    const f = await fixture("global", {});
    const input = (o: Record<string, string>) =>
      ZAppCreate.parse({
        tenantId: f.tenant.id,
        displayName: "B",
        clientId: randomUUID(),
        kind: "single_tenant",
        scopeProfile: "imap_smtp",
        secret: { value: "s", expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
        ...o,
      });
    await expect(
      createApp({
        workspaceId: f.ws.id,
        actor: f.actor,
        scope: f.scope,
        input: input({ tokenEndpointOverride: `${evil.base}/${TID}/oauth2/v2.0/token` }),
      }),
    ).rejects.toMatchObject({ status: 400, fields: { tokenEndpointOverride: expect.any(String) } });
    await expect(
      createApp({
        workspaceId: f.ws.id,
        actor: f.actor,
        scope: f.scope,
        input: input({ authorityOverride: `https://login.microsoftonline.us/${TID}` }),
      }),
    ).rejects.toMatchObject({ status: 400, fields: { authorityOverride: expect.any(String) } });
    await expect(
      updateApp({
        workspaceId: f.ws.id,
        appId: f.app.id,
        scope: f.scope,
        actor: f.actor,
        input: { authorityOverride: `https://login.microsoftonline.com.evil.test/${TID}` },
      }),
    ).rejects.toMatchObject({ status: 400 });
    const good = await createApp({
      workspaceId: f.ws.id,
      actor: f.actor,
      scope: f.scope,
      input: input({
        authorityOverride: `https://login.microsoftonline.com/${TID}`,
        tokenEndpointOverride: `https://login.microsoftonline.com/${TID}/oauth2/v2.0/token`,
      }),
    });
    expect(good.authorityOverride).toBe(`https://login.microsoftonline.com/${TID}`);
  });

  it("the authorize URL builder refuses a stored javascript: authority", async () => {
    const f = await fixture("global", { authorityOverride: "javascript:alert(document.domain)//" });
    const loaded = await loadAppForConsent({ workspaceId: f.ws.id, tenantId: f.tenant.id, appRegistrationId: f.app.id });
    expect(() => authorizeUrl(loaded.ms, { state: "s", nonce: "n", codeChallenge: "c", prompt: "select_account" })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
