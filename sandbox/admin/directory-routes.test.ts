// The admin API builds a working directory from nothing: a tenant that Microsoft's discovery
// knows, a user who can open their mailbox, an app whose secret works, and a shared mailbox whose
// delegate rights decide access, over the real endpoints.
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../testing/start-test-sandbox";

let sb: Awaited<ReturnType<typeof startTestSandbox>>;
beforeAll(async () => {
  sb = await startTestSandbox({ seed: false });
});
afterAll(() => sb?.stop());

const IMAP = "https://outlook.office.com/IMAP.AccessAsUser.All";

async function imapOpens(user: string, token: string): Promise<true | string> {
  const c = new ImapFlow({ host: "localhost", port: sb.ports.imap, secure: true, auth: { user, accessToken: token }, logger: false });
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

describe("sandbox admin API: building a directory", () => {
  let tid = "";
  let clientId = "";

  it("creates a tenant that discovery resolves by its domain; refuses duplicates and bad domains", async () => {
    const r = await sb.admin("POST", "/admin/tenants", {
      displayName: "Acme Corp",
      domain: "acme.onmicrosoft.com",
      extraDomains: ["acme.example"],
    });
    expect(r.status).toBe(201);
    tid = r.body.id;
    const disc = await fetch(`${sb.urls.identity}/acme.example/v2.0/.well-known/openid-configuration`).then((x) => x.json());
    expect(disc.issuer).toBe(`${sb.urls.identity}/${tid}/v2.0`);
    expect((await sb.admin("POST", "/admin/tenants", { displayName: "Other", domain: "acme.example" })).status).toBe(409);
    expect((await sb.admin("POST", "/admin/tenants", { displayName: "Bad", domain: "not a domain" })).body.error).toContain("domain");
  });

  it("creates users (never echoing the password) only in verified domains", async () => {
    const r = await sb.admin("POST", "/admin/users", {
      upn: "Ann@acme.onmicrosoft.com",
      password: "S3cret-pass!",
      isAdmin: true,
      displayName: "Ann Admin",
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ upn: "ann@acme.onmicrosoft.com", tenantId: tid, isAdmin: true, isLicensed: true });
    expect(JSON.stringify(r.body)).not.toContain("S3cret-pass!");
    expect((await sb.admin("POST", "/admin/users", { upn: "bo@acme.onmicrosoft.com", password: "S3cret-pass!" })).status).toBe(201);
    expect((await sb.admin("POST", "/admin/users", { upn: "ann@acme.onmicrosoft.com", password: "S3cret-pass!" })).status).toBe(409);
    expect((await sb.admin("POST", "/admin/users", { upn: "x@nowhere.example", password: "S3cret-pass!" })).status).toBe(400);
    expect((await sb.admin("POST", "/admin/users", { upn: "y@acme.onmicrosoft.com", password: "short" })).status).toBe(400);
  });

  it("registers an app whose one-time secret value works at the token endpoint; redirect URIs follow Azure's rules", async () => {
    expect(
      (await sb.admin("POST", "/admin/apps", { displayName: "Bad", homeTenant: tid, redirectUris: ["http://app.example/cb"] })).body.error,
    ).toContain("https, or http://localhost");
    const r = await sb.admin("POST", "/admin/apps", {
      displayName: "Acme helpdesk",
      homeTenant: "acme.onmicrosoft.com",
      redirectUris: ["https://consentry.example/api/oauth/callback", "http://localhost:3000/api/oauth/callback"],
      secretExpiresInDays: 30,
    });
    expect(r.status).toBe(201);
    clientId = r.body.clientId;
    expect(r.body.secret.value).toMatch(/^Sbx8Q~/);
    const state = await sb.admin("GET", "/admin/state");
    expect(JSON.stringify(state.body)).not.toContain(r.body.secret.value);
    const tok = await fetch(`${sb.urls.identity}/${tid}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: r.body.secret.value,
        scope: "https://graph.microsoft.com/.default",
      }),
    });
    expect(tok.status).toBe(200);
    const wrong = await fetch(`${sb.urls.identity}/${tid}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: "nope-nope-nope-nope",
        scope: "https://graph.microsoft.com/.default",
      }),
    });
    expect((await wrong.json()).error_codes).toEqual([7000215]);
  });

  it("a shared mailbox opens for its FullAccess delegate, and stops when the right is taken away", async () => {
    expect(
      (
        await sb.admin("POST", "/admin/shared-mailboxes", {
          address: "desk@acme.onmicrosoft.com",
          fullAccess: ["nobody@acme.onmicrosoft.com"],
        })
      ).status,
    ).toBe(400);
    const r = await sb.admin("POST", "/admin/shared-mailboxes", {
      address: "desk@acme.onmicrosoft.com",
      displayName: "Service desk",
      fullAccess: ["ann@acme.onmicrosoft.com"],
      sendAs: ["ann@acme.onmicrosoft.com"],
    });
    expect(r.status).toBe(201);
    const ann = (await sb.admin("POST", "/admin/tokens", { upn: "ann@acme.onmicrosoft.com", clientId, scopes: [IMAP] })).body.access_token;
    expect(await imapOpens("ann@acme.onmicrosoft.com", ann)).toBe(true);
    expect(await imapOpens("desk@acme.onmicrosoft.com", ann)).toBe(true);
    expect((await sb.admin("PATCH", "/admin/shared-mailboxes/desk@acme.onmicrosoft.com", { fullAccess: [] })).status).toBe(200);
    expect(await imapOpens("desk@acme.onmicrosoft.com", ann)).toMatch(/not connected/);
  });

  it("a user whose UPN differs from the primary address: the mailbox opens by address and alias, /me names both, a UPN rename keeps it", async () => {
    const r = await sb.admin("POST", "/admin/users", {
      upn: "cs1042@acme.onmicrosoft.com",
      mail: "carol.smith@acme.example",
      aliases: ["carol@acme.example"],
      password: "S3cret-pass!",
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      upn: "cs1042@acme.onmicrosoft.com",
      mail: "carol.smith@acme.example",
      proxyAddresses: ["SMTP:carol.smith@acme.example", "smtp:carol@acme.example"],
    });
    // Addresses are unique across the directory; an address outside the tenant's domains is refused.
    expect(
      (await sb.admin("POST", "/admin/users", { upn: "x1@acme.onmicrosoft.com", mail: "carol@acme.example", password: "S3cret-pass!" }))
        .status,
    ).toBe(409);
    expect(
      (
        await sb.admin("POST", "/admin/users", {
          upn: "x2@acme.onmicrosoft.com",
          aliases: ["x2@elsewhere.example"],
          password: "S3cret-pass!",
        })
      ).status,
    ).toBe(400);
    const GRAPH_USER = "https://graph.microsoft.com/User.Read";
    const tok = (await sb.admin("POST", "/admin/tokens", { upn: "cs1042@acme.onmicrosoft.com", clientId, scopes: [IMAP] })).body
      .access_token;
    expect(await imapOpens("carol.smith@acme.example", tok)).toBe(true);
    expect(await imapOpens("carol@acme.example", tok)).toBe(true);
    const graph = (await sb.admin("POST", "/admin/tokens", { upn: "cs1042@acme.onmicrosoft.com", clientId, scopes: [GRAPH_USER] })).body
      .access_token;
    const me = async (q = "") =>
      (
        await fetch(`${sb.urls.graph.replace(/\/?$/, "").replace(/(\/v1\.0)?$/, "/v1.0")}/me${q}`, {
          headers: { authorization: `Bearer ${graph}` },
        })
      ).json();
    const plain = await me();
    expect(plain).toMatchObject({ userPrincipalName: "cs1042@acme.onmicrosoft.com", mail: "carol.smith@acme.example" });
    expect(plain.proxyAddresses).toBeUndefined(); // not a default property: only on $select
    expect(await me("?$select=id,mail,proxyAddresses,userPrincipalName")).toEqual({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,mail,proxyAddresses,userPrincipalName)/$entity",
      id: r.body.id,
      mail: "carol.smith@acme.example",
      proxyAddresses: ["SMTP:carol.smith@acme.example", "smtp:carol@acme.example"],
      userPrincipalName: "cs1042@acme.onmicrosoft.com",
    });
    // The rename keeps the object id; the mailbox and existing tokens keep working, new tokens carry the new name.
    const renamed = await sb.admin("PATCH", "/admin/users/cs1042@acme.onmicrosoft.com", { upn: "carol.smith@acme.example" });
    expect(renamed.body).toMatchObject({ id: r.body.id, upn: "carol.smith@acme.example" });
    expect(await imapOpens("carol.smith@acme.example", tok)).toBe(true);
    expect((await me()).userPrincipalName).toBe("carol.smith@acme.example");
    expect((await sb.admin("PATCH", "/admin/users/carol.smith@acme.example", { upn: "ann@acme.onmicrosoft.com" })).status).toBe(409);
    expect(
      (await sb.admin("PATCH", "/admin/users/carol.smith@acme.example", { aliases: ["c.smith@acme.example"] })).body.proxyAddresses,
    ).toEqual(["SMTP:carol.smith@acme.example", "smtp:c.smith@acme.example"]);
    expect(await imapOpens("carol@acme.example", tok)).not.toBe(true);
  });

  it("deleting a user removes their access everywhere", async () => {
    expect((await sb.admin("DELETE", "/admin/users/bo@acme.onmicrosoft.com")).status).toBe(200);
    expect((await sb.admin("POST", "/admin/tokens", { upn: "bo@acme.onmicrosoft.com", clientId, scopes: [IMAP] })).status).toBe(404);
    expect((await sb.admin("DELETE", "/admin/users/bo@acme.onmicrosoft.com")).status).toBe(404);
  });
});

describe("the /sandbox console", () => {
  const post = (fields: Record<string, string>) =>
    fetch(`${sb.urls.identity}/sandbox`, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

  it("creates a tenant, a user and an app from its forms, showing the new secret once", async () => {
    const t = await post({
      action: "POST /admin/tenants",
      show: "1",
      "s:displayName": "Console Co",
      "s:domain": "console.onmicrosoft.com",
      "b:usersMayConsent": "false",
      "b:smtpAuthDisabled": "false",
    });
    expect(t.status).toBe(200);
    const page = await t.text();
    expect(page).toMatch(/id="flash"[^>]*>[^<]*console\.onmicrosoft\.com/);
    const state = (await sb.admin("GET", "/admin/state")).body;
    expect(state.tenants.find((x: { domains: string[] }) => x.domains.includes("console.onmicrosoft.com"))).toMatchObject({
      usersMayConsent: false,
      smtpAuthDisabled: false,
    });

    const u = await post({
      action: "POST /admin/users",
      show: "1",
      "s:upn": "cat@console.onmicrosoft.com",
      "s:password": "Passw0rd!",
      "b:isAdmin": "false",
      "b:isLicensed": "false",
    });
    expect(u.status).toBe(200);
    expect(
      (await sb.admin("GET", "/admin/state")).body.users.find((x: { upn: string }) => x.upn === "cat@console.onmicrosoft.com"),
    ).toMatchObject({ isLicensed: false });

    const a = await post({
      action: "POST /admin/apps",
      show: "1",
      "s:displayName": "Console app",
      "s:homeTenant": "console.onmicrosoft.com",
      "l:redirectUris": "http://localhost:3000/api/oauth/callback, https://x.example/cb",
      "n:secretExpiresInDays": "30",
    });
    const html = await a.text();
    expect(a.status).toBe(200);
    expect(html).toMatch(/&quot;value&quot;: &quot;Sbx8Q~/);
    // Afterwards the page lists the app but never the value again.
    const again = await (await fetch(`${sb.urls.identity}/sandbox`)).text();
    expect(again).toContain("Console app");
    expect(again).not.toMatch(/Sbx8Q~[0-9a-f]{10}/);
  });

  it("creates a user with a primary address and aliases, shows them, and renames the UPN from its row", async () => {
    const u = await post({
      action: "POST /admin/users",
      show: "1",
      "s:upn": "e77@console.onmicrosoft.com",
      "s:mail": "dan.ray@console.onmicrosoft.com",
      "l:aliases": "dan@console.onmicrosoft.com",
      "s:password": "Passw0rd!",
    });
    expect(u.status).toBe(200);
    const page = await (await fetch(`${sb.urls.identity}/sandbox`)).text();
    expect(page).toContain("mail dan.ray@console.onmicrosoft.com");
    expect(page).toContain("aliases dan@console.onmicrosoft.com");
    expect(page).toContain('aria-label="New UPN for e77@console.onmicrosoft.com"');
    const r = await post({
      action: "PATCH /admin/users/e77@console.onmicrosoft.com",
      show: "1",
      "s:upn": "dan.ray@console.onmicrosoft.com",
    });
    expect(r.status).toBe(200);
    const users = (await sb.admin("GET", "/admin/state")).body.users as { upn: string; mail: string }[];
    expect(users.find((x) => x.mail === "dan.ray@console.onmicrosoft.com")?.upn).toBe("dan.ray@console.onmicrosoft.com");
  });

  it("shows the API's refusal instead of failing silently", async () => {
    const r = await post({
      action: "POST /admin/apps",
      show: "1",
      "s:displayName": "Bad",
      "s:homeTenant": "console.onmicrosoft.com",
      "l:redirectUris": "http://evil.example/cb",
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("must be https, or http://localhost");
    expect((await post({ action: "POST /admin/nothing" })).status).toBe(400);
    // A switch still answers with a redirect back to the console.
    expect([302, 303]).toContain((await post({ action: "POST /admin/clock", body: JSON.stringify({ advanceDays: 1 }) })).status);
  });
});
