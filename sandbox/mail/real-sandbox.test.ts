// The mail services inside the whole sandbox (part 1's startTestSandbox): real signed tokens from
// the identity platform's POST /admin/tokens, the seeded directory and seeded demo mail. The
// per-protocol suites next to the code use a stand-in context for the cases the identity platform
// can't mint on demand (expired tokens, arbitrary audiences, app roles without consent).
import tls from "node:tls";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { sandboxGraphClient } from "../graph/testing/graph-test-client";

const F = "fabrikam.onmicrosoft.com";
const APP = "5a0e1111-2222-4333-8444-00000000f002"; // Fabrikam helpdesk mail (seeded)
const OUT = "https://outlook.office.com/";
const GR = "https://graph.microsoft.com/";

let sb: Awaited<ReturnType<typeof startTestSandbox>>;
const port = (u: string) => Number(new URL(u).port);

async function token(upn: string, scopes: string[], clientId = APP): Promise<string> {
  const r = await sb.admin("POST", "/admin/tokens", { upn, clientId, scopes });
  expect(r.status).toBe(200);
  return r.body.access_token as string;
}

function imap(user: string, accessToken: string) {
  const c = new ImapFlow({
    host: "localhost",
    port: port(sb.urls.imap),
    secure: true,
    tls: { ca: sb.ctx.tls.ca },
    auth: { user, accessToken },
    logger: false,
  });
  c.on("error", () => {});
  return c;
}

function smtp(user: string, accessToken: string) {
  return nodemailer.createTransport({
    host: "localhost",
    port: port(sb.urls.smtp),
    secure: false,
    requireTLS: true,
    tls: { ca: sb.ctx.tls.ca },
    auth: { type: "OAuth2", user, accessToken },
  });
}

beforeAll(async () => {
  sb = await startTestSandbox({ seed: true });
});
afterAll(async () => {
  await sb?.stop();
});

describe("mail services with the real identity platform", () => {
  it("IMAP: own mailbox and shared mailbox (delegate) with seeded mail; not-connected and failed cases", async () => {
    const itImap = await token(`it@${F}`, [`${OUT}IMAP.AccessAsUser.All`]);
    const own = imap(`it@${F}`, itImap);
    await own.connect();
    const st = await own.status("INBOX", { messages: true, unseen: true });
    expect(st && st.messages).toBeGreaterThan(200);
    await own.logout();

    const shared = imap(`support@${F}`, itImap);
    await shared.connect();
    expect((await shared.status("INBOX", { messages: true })) && true).toBe(true);
    await shared.logout();

    const bobImap = await token(`bob@${F}`, [`${OUT}IMAP.AccessAsUser.All`]);
    const notConnected = await imap(`support@${F}`, bobImap)
      .connect()
      .catch((e: { response?: string }) => e);
    expect((notConnected as { response?: string }).response).toBe("User is authenticated but not connected.");

    const graphToken = await token(`it@${F}`, [`${GR}Mail.Read`]);
    const failed = await imap(`it@${F}`, graphToken)
      .connect()
      .catch((e: { response?: string }) => e);
    expect(String((failed as { response?: string }).response)).toMatch(/AUTHENTICATE failed\./);
  });

  it("SMTP: sends as a shared mailbox with SendAs; 5.7.139 for Contoso, 5.2.252 SendAsDenied without SendAs, 5.7.3 for a wrong token", async () => {
    const itSmtp = await token(`it@${F}`, [`${OUT}SMTP.Send`]);
    const t0 = Date.now();
    await smtp(`it@${F}`, itSmtp).sendMail({ from: `support@${F}`, to: `bob@${F}`, subject: "real sandbox delivery", text: "hello" });

    // Readable over IMAP and Graph within a second.
    const bobImap = imap(`bob@${F}`, await token(`bob@${F}`, [`${OUT}IMAP.AccessAsUser.All`]));
    await bobImap.connect();
    await bobImap.mailboxOpen("INBOX");
    const graph = sandboxGraphClient(sb.urls.graph.replace(/\/?$/, "").replace(/(\/v1\.0)?$/, "/v1.0"), sb.ctx.tls.ca, () =>
      token(`bob@${F}`, [`${GR}Mail.Read`]),
    );
    let imapSeen = false;
    let graphSeen = false;
    while (Date.now() - t0 < 1000 && !(imapSeen && graphSeen)) {
      imapSeen ||= ((await bobImap.search({ subject: "real sandbox delivery" }, { uid: true })) as number[]).length > 0;
      graphSeen ||= (await graph.api("/me/mailFolders/inbox/messages").select("subject").top(5).get()).value.some(
        (m: { subject: string }) => m.subject === "real sandbox delivery",
      );
    }
    expect(imapSeen && graphSeen).toBe(true);
    await bobImap.logout();

    const contoso = "contoso.onmicrosoft.com";
    const ctsoToken = await token(`it@${contoso}`, [`${OUT}SMTP.Send`], "5a0e1111-2222-4333-8444-00000000c001");
    await expect(
      smtp(`it@${contoso}`, ctsoToken).sendMail({ from: `it@${contoso}`, to: `bob@${contoso}`, text: "x" }),
    ).rejects.toMatchObject({
      response: expect.stringMatching(/^535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\./),
    });

    const bobSmtp = await token(`bob@${F}`, [`${OUT}SMTP.Send`]);
    await expect(smtp(`bob@${F}`, bobSmtp).sendMail({ from: `support@${F}`, to: `it@${F}`, text: "x" })).rejects.toMatchObject({
      response: expect.stringMatching(/^554 5\.2\.252 SendAsDenied; /),
    });
    const imapOnly = await token(`bob@${F}`, [`${OUT}IMAP.AccessAsUser.All`]);
    await expect(smtp(`bob@${F}`, imapOnly).sendMail({ from: `bob@${F}`, to: `it@${F}`, text: "x" })).rejects.toMatchObject({
      response: expect.stringMatching(/^535 5\.7\.3 /),
    });
  });

  it("Graph: reads own and shared mail; outlook token is 401 Invalid audience", async () => {
    const base = sb.urls.graph.replace(/\/?$/, "").replace(/(\/v1\.0)?$/, "/v1.0");
    const it = sandboxGraphClient(base, sb.ctx.tls.ca, () => token(`it@${F}`, [`${GR}Mail.Read`, `${GR}Mail.Read.Shared`]));
    expect((await it.api("/me/mailFolders/inbox/messages").top(3).get()).value).toHaveLength(3);
    expect((await it.api(`/users/support@${F}/mailFolders/inbox/messages`).top(3).get()).value.length).toBeGreaterThan(0);
    const outlook = sandboxGraphClient(base, sb.ctx.tls.ca, () => token(`it@${F}`, [`${OUT}IMAP.AccessAsUser.All`]));
    await expect(outlook.api("/me/messages").get()).rejects.toMatchObject({
      statusCode: 401,
      code: "InvalidAuthenticationToken",
      message: "Access token validation failure. Invalid audience.",
    });
    const unlicensed = sandboxGraphClient(base, sb.ctx.tls.ca, () =>
      token("sales@northwind.onmicrosoft.com", [`${GR}Mail.Read`], "5a0e1111-2222-4333-8444-00000000a003"),
    );
    await expect(unlicensed.api("/me/messages").get()).rejects.toMatchObject({ statusCode: 404, code: "MailboxNotEnabledForRESTAPI" });
  });

  it("Graph: delta in pages then an incremental round, and sendMail, with real tokens", async () => {
    const base = sb.urls.graph.replace(/\/?$/, "").replace(/(\/v1\.0)?$/, "/v1.0");
    const c = sandboxGraphClient(base, sb.ctx.tls.ca, () => token(`helpdesk@${F}`, [`${GR}Mail.ReadWrite`, `${GR}Mail.Send`]));
    let page = await c.api("/me/mailFolders/inbox/messages/delta").header("Prefer", "odata.maxpagesize=100").select("subject").get();
    let n = page.value.length;
    let pages = 1;
    while (page["@odata.nextLink"]) {
      page = await c.api(page["@odata.nextLink"]).header("Prefer", "odata.maxpagesize=100").get();
      n += page.value.length;
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(n).toBe((await c.api("/me/mailFolders/inbox").get()).totalItemCount);
    await c.api("/me/sendMail").post({
      message: {
        subject: "to myself",
        body: { contentType: "Text", content: "x" },
        toRecipients: [{ emailAddress: { address: `helpdesk@${F}` } }],
      },
    });
    const inc = await c.api(page["@odata.deltaLink"]).get();
    expect(inc.value.map((m: { subject: string }) => m.subject)).toEqual(["to myself"]);
  });

  it("IMAP: directory switches (unlicensed, IMAP disabled) give 'not connected'; expired tokens fail; IDLE push", async () => {
    const nw = "northwind.onmicrosoft.com";
    const sales = await token(`sales@${nw}`, [`${OUT}IMAP.AccessAsUser.All`], "5a0e1111-2222-4333-8444-00000000a003");
    const e1 = await imap(`sales@${nw}`, sales)
      .connect()
      .catch((e: { response?: string }) => e);
    expect((e1 as { response?: string }).response).toBe("User is authenticated but not connected.");

    expect((await sb.admin("PATCH", `/admin/users/helpdesk@${F}`, { imapEnabled: false })).status).toBe(200);
    const hd = await token(`helpdesk@${F}`, [`${OUT}IMAP.AccessAsUser.All`]);
    const e2 = await imap(`helpdesk@${F}`, hd)
      .connect()
      .catch((e: { response?: string }) => e);
    expect((e2 as { response?: string }).response).toBe("User is authenticated but not connected.");
    await sb.admin("PATCH", `/admin/users/helpdesk@${F}`, { imapEnabled: true });

    const adminTok = await token(`admin@${F}`, [`${OUT}IMAP.AccessAsUser.All`]);
    const idle = imap(`admin@${F}`, adminTok);
    await idle.connect();
    await idle.mailboxOpen("INBOX");
    const pushed = new Promise<number>((resolve) => idle.once("exists", () => resolve(Date.now())));
    void idle.idle();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await sb.admin("POST", `/admin/mail/mailboxes/admin@${F}/messages`, { raw: "From: x@example.com\r\nSubject: push\r\n\r\nx\r\n" });
    expect((await pushed) - t0).toBeLessThan(1000);
    await idle.logout();

    // Sandbox clock two days ahead: the same token is now expired.
    await sb.admin("POST", "/admin/clock", { advanceDays: 2 });
    try {
      const e3 = await imap(`admin@${F}`, adminTok)
        .connect()
        .catch((e: { response?: string }) => e);
      expect(String((e3 as { response?: string }).response)).toMatch(/AUTHENTICATE failed\./);
    } finally {
      await sb.admin("POST", "/admin/clock", { reset: true });
    }
  });

  it("POP: AUTH XOAUTH2 (two-step, as Exchange takes it) with a real token", async () => {
    const t = await token(`bob@${F}`, [`${OUT}POP.AccessAsUser.All`]);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: "localhost", port: port(sb.urls.pop), ca: sb.ctx.tls.ca, servername: "localhost" });
      let buf = "";
      s.on("data", (d) => {
        buf += d.toString();
        if (buf.startsWith("+OK") && !buf.includes("AUTH sent")) {
          buf += "AUTH sent";
          s.write("AUTH XOAUTH2\r\n");
        } else if (buf.endsWith("+ \r\n") && !buf.includes("payload sent")) {
          buf += "payload sent";
          s.write(`${Buffer.from(`user=bob@${F}\x01auth=Bearer ${t}\x01\x01`).toString("base64")}\r\n`);
        } else if (buf.includes("User successfully") || buf.includes("-ERR")) {
          s.write("STAT\r\n");
          setTimeout(() => (s.end(), resolve(buf)), 100);
        }
      });
      s.on("error", reject);
    });
    expect(reply).toContain("+OK User successfully authenticated.");
  });
});
