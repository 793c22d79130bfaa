// App-only (client credentials) access to Exchange Online, built through the admin API on a fresh
// tenant and exercised with real clients: MSAL for the tokens, imapflow, nodemailer, POP over TLS
// and @microsoft/microsoft-graph-client. Entra admin consent is not enough: Exchange also needs the
// service principal registered (New-ServicePrincipal) and a FullAccess mailbox permission
// (IMAP/POP/SMTP) or an RBAC for Applications role assignment whose scope holds the mailbox (Graph).
import tls from "node:tls";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { SEED } from "../directory/seed";
import { sandboxGraphClient } from "../graph/testing/graph-test-client";

let sb: Awaited<ReturnType<typeof startTestSandbox>>;
const port = (u: string) => Number(new URL(u).port);
const D = "tailspin.onmicrosoft.com";
const SUPPORT = `support@${D}`;
const JOE = `joe@${D}`;
let tid = "";
let appId = "";
let secret = "";
let spObjectId = "";

beforeAll(async () => {
  sb = await startTestSandbox({ seed: false });
});
afterAll(() => sb?.stop());

async function appToken(resource: string, clientId = appId, clientSecret = secret, tenant = tid) {
  const cca = new ConfidentialClientApplication({
    auth: { clientId, clientSecret, authority: `${sb.urls.identity}/${tenant}`, knownAuthorities: [`localhost:${sb.ports.identity}`] },
  });
  const r = await cca.acquireTokenByClientCredential({ scopes: [`${resource}/.default`], skipCache: true });
  return r!.accessToken;
}

/** Opens INBOX over IMAP with an app token and user=<mailbox>: true, or the server's refusal. */
async function imapOpens(user: string, accessToken: string): Promise<true | string> {
  const c = new ImapFlow({
    host: "localhost",
    port: port(sb.urls.imap),
    secure: true,
    tls: { ca: sb.ctx.tls.ca },
    auth: { user, accessToken },
    logger: false,
  });
  c.on("error", () => {});
  try {
    await c.connect();
    await c.status("INBOX", { messages: true });
    await c.logout();
    return true;
  } catch (e) {
    c.close();
    const x = e as { responseText?: string; response?: string; message: string };
    return String(x.responseText ?? x.response ?? x.message);
  }
}

/** POP3 AUTH XOAUTH2 as Microsoft documents it (command, "+ ", payload); returns the reply. */
function popAuth(user: string, accessToken: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "localhost", port: port(sb.urls.pop), ca: sb.ctx.tls.ca, servername: "localhost" });
    let buf = "";
    let step = 0;
    s.on("data", (d) => {
      buf += d.toString();
      if (!buf.endsWith("\r\n")) return;
      const line = buf.trim();
      buf = "";
      if (step === 0) s.write("AUTH XOAUTH2\r\n");
      else if (step === 1) s.write(Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString("base64") + "\r\n");
      else {
        s.end("QUIT\r\n");
        resolve(line);
      }
      step++;
    });
    s.on("error", reject);
  });
}

async function smtpSend(user: string, accessToken: string, from = user): Promise<true | string> {
  const t = nodemailer.createTransport({
    host: "localhost",
    port: port(sb.urls.smtp),
    secure: false,
    requireTLS: true,
    tls: { ca: sb.ctx.tls.ca },
    auth: { type: "OAuth2", user, accessToken },
  });
  try {
    await t.sendMail({ from, to: "someone@example.com", subject: "app-only", text: "hello" });
    return true;
  } catch (e) {
    return String((e as { response?: string }).response ?? (e as Error).message);
  } finally {
    t.close();
  }
}

async function graphRead(mailbox: string, token: string): Promise<true | { statusCode: number; code: string; message: string }> {
  try {
    await sandboxGraphClient(`${sb.urls.graph}`, sb.ctx.tls.ca, () => token)
      .api(`/users/${mailbox}/mailFolders/inbox/messages`)
      .top(1)
      .get();
    return true;
  } catch (e) {
    const x = e as { statusCode: number; code: string; message: string };
    return { statusCode: x.statusCode, code: x.code, message: x.message };
  }
}

const OUTLOOK = "https://outlook.office365.com";
const GRAPH = "https://graph.microsoft.com";
const NOT_CONNECTED = /User is authenticated but not connected\./;

describe("Exchange app-only access (service principal, mailbox permission, RBAC for Applications)", () => {
  it("sets up a tenant whose app has Entra admin consent for IMAP/POP/SMTP AccessAsApp", async () => {
    const t = await sb.admin("POST", "/admin/tenants", { displayName: "Tailspin", domain: D });
    tid = t.body.id;
    for (const upn of [`admin@${D}`, JOE])
      expect((await sb.admin("POST", "/admin/users", { upn, password: "Passw0rd!" })).status).toBe(201);
    expect((await sb.admin("POST", "/admin/shared-mailboxes", { address: SUPPORT })).status).toBe(201);
    const app = await sb.admin("POST", "/admin/apps", {
      displayName: "Tailspin daemon",
      homeTenant: D,
      application: [
        "https://outlook.office.com/IMAP.AccessAsApp",
        "https://outlook.office.com/POP.AccessAsApp",
        "https://outlook.office.com/SMTP.SendAsApp",
      ],
    });
    appId = app.body.clientId;
    secret = app.body.secret.value;
    const consent = await sb.admin("POST", `/admin/tenants/${D}/consents`, {
      clientId: appId,
      roles: [
        "https://outlook.office.com/IMAP.AccessAsApp",
        "https://outlook.office.com/POP.AccessAsApp",
        "https://outlook.office.com/SMTP.SendAsApp",
      ],
    });
    expect(consent.status).toBe(201);
    const exo = await sb.admin("GET", `/admin/exchange/${D}`);
    spObjectId = exo.body.enterpriseApps.find((a: { appId: string }) => a.appId === appId).objectId;
    expect(exo.body.servicePrincipals).toEqual([]);
    // The token's oid is the enterprise application's object id.
    const check = await sb.ctx.verifyAccessToken(await appToken(OUTLOOK));
    expect(check.ok && check.claims.oid).toBe(spObjectId);
    expect(check.ok && check.claims.roles).toEqual(["IMAP.AccessAsApp", "POP.AccessAsApp", "SMTP.SendAsApp"]);
  });

  it("consented but not registered in Exchange: IMAP authenticates and is not connected, POP and SMTP refuse", async () => {
    const token = await appToken(OUTLOOK);
    expect(await imapOpens(SUPPORT, token)).toMatch(NOT_CONNECTED);
    expect(await popAuth(SUPPORT, token)).toBe("-ERR Authentication failure: unknown user name or bad password.");
    expect(await smtpSend(SUPPORT, token)).toMatch(/^535 5\.7\.3 Authentication unsuccessful/);
  });

  it("registered with the wrong object id (not the enterprise application's): still not connected", async () => {
    const wrong = "0f0f0f0f-1111-4222-8333-444455556666";
    const r = await sb.admin("POST", `/admin/exchange/${D}/service-principals`, { appId, objectId: wrong });
    expect(r.status).toBe(201);
    expect((await sb.admin("POST", `/admin/exchange/${D}/mailbox-permissions`, { identity: SUPPORT, user: wrong })).status).toBe(201);
    expect(await imapOpens(SUPPORT, await appToken(OUTLOOK))).toMatch(NOT_CONNECTED);
    expect((await sb.admin("DELETE", `/admin/exchange/${D}/service-principals/${wrong}`)).status).toBe(200);
    expect((await sb.admin("GET", `/admin/exchange/${D}`)).body.mailboxPermissions).toEqual([]);
  });

  it("registered but no mailbox permission: not connected; Add-MailboxPermission opens that mailbox only; Remove- closes it", async () => {
    const r = await sb.admin("POST", `/admin/exchange/${D}/service-principals`, { appId, objectId: spObjectId });
    expect(r.body).toMatchObject({ appId, objectId: spObjectId, displayName: "Tailspin daemon" });
    const token = await appToken(OUTLOOK);
    expect(await imapOpens(SUPPORT, token)).toMatch(NOT_CONNECTED);

    const add = await sb.admin("POST", `/admin/exchange/${D}/mailbox-permissions`, {
      identity: SUPPORT,
      user: spObjectId,
      accessRights: "FullAccess",
    });
    expect(add.status).toBe(201);
    expect(await imapOpens(SUPPORT, token)).toBe(true);
    expect(await popAuth(SUPPORT, token)).toBe("+OK User successfully authenticated.");
    expect(await smtpSend(SUPPORT, token)).toBe(true);
    // The app sends as the user= mailbox only (no SendAs on another).
    expect(await smtpSend(SUPPORT, token, JOE)).toMatch(/^(550 5\.7\.60|554 5\.2\.252) /);
    // Another mailbox of the same tenant stays closed.
    expect(await imapOpens(JOE, token)).toMatch(NOT_CONNECTED);
    expect(await popAuth(JOE, token)).toMatch(/^-ERR Authentication failure/);
    expect(await smtpSend(JOE, token)).toMatch(/^535 5\.7\.3/);

    const rm = await sb.admin("DELETE", `/admin/exchange/${D}/mailbox-permissions/${SUPPORT}/${spObjectId}`);
    expect(rm.body).toMatchObject({ removed: { identity: SUPPORT, user: spObjectId } });
    expect(await imapOpens(SUPPORT, token)).toMatch(NOT_CONNECTED);
    await sb.admin("POST", `/admin/exchange/${D}/mailbox-permissions`, { identity: SUPPORT, user: appId });
  });

  it("Graph without an Entra Mail role: only mailboxes in the role assignment's management scope; others 403 ErrorAccessDenied", async () => {
    const token = await appToken(GRAPH);
    const denied = { statusCode: 403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." };
    // A FullAccess mailbox permission does not grant Graph.
    expect(await graphRead(SUPPORT, token)).toEqual(denied);

    expect((await sb.admin("PATCH", `/admin/exchange/${D}/recipients/${SUPPORT}`, { CustomAttribute1: "consentry" })).status).toBe(200);
    const scope = await sb.admin("POST", `/admin/exchange/${D}/management-scopes`, {
      name: "Consentry mailboxes",
      recipientRestrictionFilter: "CustomAttribute1 -eq 'consentry'",
    });
    expect(scope.status).toBe(201);
    const ra = await sb.admin("POST", `/admin/exchange/${D}/role-assignments`, {
      app: spObjectId,
      role: "Application Mail.Read",
      customResourceScope: "Consentry mailboxes",
    });
    expect(ra.status).toBe(201);
    expect(await graphRead(SUPPORT, token)).toBe(true);
    expect(await graphRead(JOE, token)).toEqual(denied);
    const t = await sb.admin("POST", `/admin/exchange/${D}/test-authorization`, { identity: appId, resource: JOE });
    expect(t.body.roles).toEqual([
      {
        RoleName: "Application Mail.Read",
        GrantedPermissions: ["Mail.Read"],
        AllowedResourceScope: "Consentry mailboxes",
        ScopeType: "CustomRecipientScope",
        InScope: false,
      },
    ]);
    // A Graph role assignment doesn't open IMAP (IMAP needs the FullAccess mailbox permission).
    await sb.admin("PATCH", `/admin/exchange/${D}/recipients/${JOE}`, { CustomAttribute1: "consentry" });
    expect(await graphRead(JOE, token)).toBe(true);
    expect(await imapOpens(JOE, await appToken(OUTLOOK))).toMatch(NOT_CONNECTED);
    await sb.admin("PATCH", `/admin/exchange/${D}/recipients/${JOE}`, { CustomAttribute1: null });
    expect(await graphRead(JOE, token)).toEqual(denied);
  });

  it("an Entra admin consent for Graph Mail.Read is tenant-wide: the management scope does not narrow it (grants are additive)", async () => {
    await sb.admin("PATCH", `/admin/apps/${appId}`, {
      application: [
        "https://outlook.office.com/IMAP.AccessAsApp",
        "https://outlook.office.com/POP.AccessAsApp",
        "https://outlook.office.com/SMTP.SendAsApp",
        "https://graph.microsoft.com/Mail.Read",
      ],
    });
    await sb.admin("POST", `/admin/tenants/${D}/consents`, { clientId: appId, roles: ["https://graph.microsoft.com/Mail.Read"] });
    const token = await appToken(GRAPH);
    expect(await graphRead(JOE, token)).toBe(true);
    await sb.admin("DELETE", `/admin/tenants/${D}/consents/${appId}`);
    await sb.admin("POST", `/admin/tenants/${D}/consents`, {
      clientId: appId,
      roles: [
        "https://outlook.office.com/IMAP.AccessAsApp",
        "https://outlook.office.com/POP.AccessAsApp",
        "https://outlook.office.com/SMTP.SendAsApp",
      ],
    });
    expect(await graphRead(JOE, await appToken(GRAPH))).toMatchObject({ statusCode: 403, code: "ErrorAccessDenied" });
  });

  it("management scope from a list of addresses; SMTP through RBAC for Applications alone (Application SMTP.SendAsApp)", async () => {
    const scope = await sb.admin("POST", `/admin/exchange/${D}/management-scopes`, { name: "Joe only", addresses: [JOE] });
    expect(scope.body.recipientRestrictionFilter).toBe(`PrimarySmtpAddress -eq '${JOE}'`);
    await sb.admin("POST", `/admin/exchange/${D}/role-assignments`, {
      app: appId,
      role: "Application SMTP.SendAsApp",
      customResourceScope: "Joe only",
    });
    const token = await appToken(OUTLOOK);
    expect(await smtpSend(JOE, token)).toBe(true);
    expect(await imapOpens(JOE, token)).toMatch(NOT_CONNECTED);
  });

  it("admin API validation: 404 unknown tenant, 400 bad filter / unknown role / unregistered app, 409 duplicates and a scope in use", async () => {
    expect((await sb.admin("GET", "/admin/exchange/nowhere.onmicrosoft.com")).status).toBe(404);
    const r1 = await sb.admin("POST", `/admin/exchange/${D}/management-scopes`, {
      name: "Bad",
      recipientRestrictionFilter: "Department -like 'x*'",
    });
    expect(r1.status).toBe(400);
    const r2 = await sb.admin("POST", `/admin/exchange/${D}/role-assignments`, { app: appId, role: "Application IMAP.AccessAsApp" });
    expect(r2).toMatchObject({ status: 400, body: { error: expect.stringMatching(/isn't an application role/) } });
    const r3 = await sb.admin("POST", `/admin/exchange/${D}/role-assignments`, {
      app: "4e0b5e2a-0000-4000-8000-000000000000",
      role: "Application Mail.Read",
    });
    expect(r3).toMatchObject({ status: 400, body: { error: expect.stringMatching(/New-ServicePrincipal/) } });
    const r4 = await sb.admin("POST", `/admin/exchange/${D}/mailbox-permissions`, { identity: `nobody@${D}`, user: appId });
    expect(r4.status).toBe(400);
    expect((await sb.admin("POST", `/admin/exchange/${D}/service-principals`, { appId, objectId: spObjectId })).status).toBe(409);
    expect((await sb.admin("POST", `/admin/exchange/${D}/management-scopes`, { name: "joe only", addresses: [JOE] })).status).toBe(409);
    expect((await sb.admin("DELETE", `/admin/exchange/${D}/management-scopes/Joe%20only`)).status).toBe(409);
    const state = (await sb.admin("GET", `/admin/exchange/${D}`)).body;
    for (const a of state.roleAssignments)
      expect((await sb.admin("DELETE", `/admin/exchange/${D}/role-assignments/${encodeURIComponent(a.name)}`)).status).toBe(200);
    expect((await sb.admin("DELETE", `/admin/exchange/${D}/management-scopes/Joe%20only`)).status).toBe(200);
  });
});

describe("seeded app-only setup (Northwind mail daemon)", () => {
  let seeded: Awaited<ReturnType<typeof startTestSandbox>>;
  const N = SEED.northwind;
  const Dm = SEED.northwindDaemon;
  beforeAll(async () => {
    seeded = await startTestSandbox();
  });
  afterAll(() => seeded?.stop());

  it("IMAP opens support@ (FullAccess) only; Graph reads the mailboxes in its scope only", async () => {
    const token = async (resource: string) => {
      const cca = new ConfidentialClientApplication({
        auth: {
          clientId: Dm.clientId,
          clientSecret: Dm.secret,
          authority: `${seeded.urls.identity}/${N.id}`,
          knownAuthorities: [`localhost:${seeded.ports.identity}`],
        },
      });
      return (await cca.acquireTokenByClientCredential({ scopes: [`${resource}/.default`], skipCache: true }))!.accessToken;
    };
    const imapTok = await token(OUTLOOK);
    const open = async (user: string) => {
      const c = new ImapFlow({
        host: "localhost",
        port: port(seeded.urls.imap),
        secure: true,
        tls: { ca: seeded.ctx.tls.ca },
        auth: { user, accessToken: imapTok },
        logger: false,
      });
      c.on("error", () => {});
      try {
        await c.connect();
        const s = await c.status("INBOX", { messages: true });
        await c.logout();
        return ((s as { messages?: number }).messages ?? 0) > 0;
      } catch (e) {
        c.close();
        return String(
          (e as { responseText?: string; response?: string }).responseText ?? (e as { response?: string }).response ?? (e as Error).message,
        );
      }
    };
    expect(await open(`support@${N.domain}`)).toBe(true);
    expect(await open(`helpdesk@${N.domain}`)).toMatch(NOT_CONNECTED);
    const g = sandboxGraphClient(seeded.urls.graph, seeded.ctx.tls.ca, await token(GRAPH).then((t) => () => t));
    for (const who of ["support", "helpdesk"])
      expect((await g.api(`/users/${who}@${N.domain}/messages`).top(1).get()).value).toHaveLength(1);
    await expect(g.api(`/users/bob@${N.domain}/messages`).top(1).get()).rejects.toMatchObject({
      statusCode: 403,
      code: "ErrorAccessDenied",
    });
  });

  it("the /sandbox console shows the setup and its Set-Mailbox form puts a mailbox into the scope", async () => {
    const page = await (await fetch(`${seeded.urls.identity}/sandbox`)).text();
    expect(page).toContain("Northwind mail daemon (app-only)");
    expect(page).toContain("CustomAttribute1 -eq &#39;consentry&#39;");
    const form = new URLSearchParams({
      action: `POST /admin/exchange/${N.id}/recipients`,
      show: "1",
      "s:identity": `bob@${N.domain}`,
      "s:CustomAttribute1": "consentry",
    });
    const r = await fetch(`${seeded.urls.identity}/sandbox`, { method: "POST", body: form });
    expect(r.status).toBe(200);
    const exo = (await seeded.admin("GET", `/admin/exchange/${N.id}`)).body;
    expect(exo.customAttributes[`bob@${N.domain}`]).toEqual({ CustomAttribute1: "consentry" });
    const t = await seeded.admin("POST", `/admin/exchange/${N.id}/test-authorization`, {
      identity: Dm.clientId,
      resource: `bob@${N.domain}`,
    });
    expect(t.body.roles.map((x: { InScope: boolean }) => x.InScope)).toEqual([true, true]);
  });
});
