// nodemailer against the sandbox SMTP submission service: XOAUTH2 success, Exchange's refusals,
// and delivery that is visible over IMAP and Graph within a second.
import tls from "node:tls";
import net from "node:net";
import nodemailer from "nodemailer";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxGraphClient } from "../../graph/testing/graph-test-client";
import { startMailSandbox, type MailSandbox } from "../../../testing/start-mail-sandbox";

const ALICE = "alice@contoso.onmicrosoft.com";
const BOB = "bob@contoso.onmicrosoft.com";
const SUPPORT = "support@contoso.onmicrosoft.com";

let sb: MailSandbox;

function transport(user: string, accessToken: string) {
  return nodemailer.createTransport({
    host: "localhost",
    port: sb.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { ca: sb.ctx.tls.ca },
    auth: { type: "OAuth2", user, accessToken },
  });
}

async function sendError(user: string, token: string, from = user, to = BOB) {
  try {
    await transport(user, token).sendMail({ from, to, subject: "x", text: "x" });
    return undefined;
  } catch (e) {
    return (e as { response?: string }).response;
  }
}

beforeAll(async () => {
  sb = await startMailSandbox();
});
afterAll(async () => {
  await sb.stop();
});

describe("SMTP submission", () => {
  it("authenticates with XOAUTH2 (235 2.7.0) after STARTTLS and delivers", async () => {
    const token = await sb.ctx.mint({ upn: ALICE, scopes: ["SMTP.Send"] });
    // Raw dialogue to check the exact 235 line and that AUTH needs STARTTLS first.
    const log = await new Promise<string>((resolve, reject) => {
      let out = "";
      let step = 0;
      const plain = net.connect(sb.smtpPort, "127.0.0.1");
      const onPlain = (d: Buffer) => {
        const sock = plain;
        out += d.toString();
        if (step === 0 && out.includes("220 ")) ((step = 1), sock.write("EHLO test\r\n"));
        else if (step === 1 && /250 [^\r\n]*\r\n$/.test(out)) ((step = 2), sock.write(`AUTH XOAUTH2 x\r\n`));
        else if (step === 2 && /\r\n5\d\d [^\r\n]*\r\n$/.test(out)) ((step = 3), sock.write("STARTTLS\r\n"));
        else if (step === 3 && /\r\n220 [^\r\n]*TLS[^\r\n]*\r\n$/.test(out)) {
          step = 4;
          plain.off("data", onPlain);
          const secure = tls.connect({ socket: plain, ca: sb.ctx.tls.ca, servername: "localhost" }, () => secure.write("EHLO test\r\n"));
          secure.on("data", (d2) => {
            out += d2.toString();
            if (step === 4 && /250 [^\r\n]*\r\n$/.test(out))
              ((step = 5),
                secure.write(`AUTH XOAUTH2 ${Buffer.from(`user=${ALICE}\x01auth=Bearer ${token}\x01\x01`).toString("base64")}\r\n`));
            else if (step === 5 && out.includes("235 ")) (secure.end(), resolve(out));
          });
        }
      };
      plain.on("data", onPlain);
      plain.on("error", reject);
    });
    expect(log).toMatch(/AUTH XOAUTH2/);
    expect(log).toMatch(/\r\n538 [^\r\n]*STARTTLS/);
    expect(log).toContain("235 2.7.0 Authentication successful");

    const info = await transport(ALICE, token).sendMail({
      from: ALICE,
      to: [BOB, "partner@example.com"],
      subject: "Quarterly numbers",
      text: "See attached.",
    });
    expect(info.response).toMatch(/^250 /);
    const outbox = await sb.admin<{ messages: { to: string[]; subject: string }[] }>("GET", "/admin/mail/outbox");
    expect(outbox.body.messages[0]).toMatchObject({ to: ["partner@example.com"], subject: "Quarterly numbers" });
    const sent = await sb.admin<{ total: number }>("GET", `/admin/mail/mailboxes/${ALICE}?folder=sentitems`);
    expect(sent.body.total).toBe(1);
  });

  it("sends as a shared mailbox with SendAs", async () => {
    const token = await sb.ctx.mint({ upn: ALICE, scopes: ["SMTP.Send"] });
    await transport(ALICE, token).sendMail({ from: SUPPORT, to: BOB, subject: "From support", text: "hi" });
    const sent = await sb.admin<{ total: number }>("GET", `/admin/mail/mailboxes/${SUPPORT}?folder=sentitems`);
    expect(sent.body.total).toBe(1);
  });

  it("refuses SMTP AUTH disabled for the tenant or the mailbox with 5.7.139", async () => {
    const tenantOff = await sendError(
      "frank@fabrikam.onmicrosoft.com",
      await sb.ctx.mint({ upn: "frank@fabrikam.onmicrosoft.com", scopes: ["SMTP.Send"] }),
    );
    expect(tenantOff).toMatch(
      /^535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\. Visit https:\/\/aka\.ms\/smtp_auth_disabled for more information\. \[\S+\.prod\.outlook\.com \d{4}-\d\d-\d\dT[\d:.]+Z [0-9A-F]{16}\]$/,
    );
    const userOff = await sendError(
      "erin@contoso.onmicrosoft.com",
      await sb.ctx.mint({ upn: "erin@contoso.onmicrosoft.com", scopes: ["SMTP.Send"] }),
    );
    expect(userOff).toMatch(/^535 5\.7\.139 /);
    // The mailbox's explicit "enabled" wins over the tenant switch.
    const override = await sendError(
      "grace@fabrikam.onmicrosoft.com",
      await sb.ctx.mint({ upn: "grace@fabrikam.onmicrosoft.com", scopes: ["SMTP.Send"] }),
    );
    expect(override).toBeUndefined();
  });

  it("refuses bad tokens with 535 5.7.3", async () => {
    for (const mint of [
      { upn: ALICE, scopes: ["IMAP.AccessAsUser.All"] },
      { upn: ALICE, scopes: ["SMTP.Send"], aud: "https://graph.microsoft.com" },
      { upn: ALICE, scopes: ["SMTP.Send"], expiresInSec: -60 },
    ]) {
      expect(await sendError(ALICE, await sb.ctx.mint(mint))).toMatch(
        /^535 5\.7\.3 Authentication unsuccessful \[\S+\.prod\.outlook\.com\]$/,
      );
    }
  });

  it("refuses a From the user may not send as with 550 5.7.60 after DATA", async () => {
    const token = await sb.ctx.mint({ upn: BOB, scopes: ["SMTP.Send"] });
    expect(await sendError(BOB, token, SUPPORT)).toMatch(
      /^550 5\.7\.60 SMTP; Client does not have permissions to send as this sender \[\S+\]$/,
    );
    expect(await sendError(BOB, token, ALICE)).toMatch(/^550 5\.7\.60 /);
  });

  it("refuses basic auth with 5.7.139 and unauthenticated MAIL FROM with 5.7.57", async () => {
    const basic = nodemailer.createTransport({
      host: "localhost",
      port: sb.smtpPort,
      secure: false,
      requireTLS: true,
      tls: { ca: sb.ctx.tls.ca },
      auth: { user: ALICE, pass: "Passw0rd!" },
    });
    await expect(basic.sendMail({ from: ALICE, to: BOB, text: "x" })).rejects.toMatchObject({
      response: expect.stringMatching(/^535 5\.7\.139 Authentication unsuccessful, basic authentication is disabled\. \[/),
    });
    const anon = nodemailer.createTransport({
      host: "localhost",
      port: sb.smtpPort,
      secure: false,
      requireTLS: true,
      tls: { ca: sb.ctx.tls.ca },
    });
    await expect(anon.sendMail({ from: ALICE, to: BOB, text: "x" })).rejects.toMatchObject({
      response: "530 5.7.57 Client not authenticated to send mail",
    });
  });
});

describe("one store across protocols", () => {
  it("makes mail sent over SMTP and Graph readable over IMAP and Graph within 1 s", async () => {
    const imap = new ImapFlow({
      host: "localhost",
      port: sb.imapPort,
      secure: true,
      tls: { ca: sb.ctx.tls.ca },
      auth: { user: BOB, accessToken: await sb.ctx.mint({ upn: BOB, scopes: ["IMAP.AccessAsUser.All"] }) },
      logger: false,
    });
    await imap.connect();
    await imap.mailboxOpen("INBOX");
    const graphBob = sandboxGraphClient(sb.graphBase, sb.ctx.tls.ca, () =>
      sb.ctx.mint({ upn: BOB, aud: "https://graph.microsoft.com", scopes: ["Mail.Read"] }),
    );
    const graphAlice = sandboxGraphClient(sb.graphBase, sb.ctx.tls.ca, () =>
      sb.ctx.mint({ upn: ALICE, aud: "https://graph.microsoft.com", scopes: ["Mail.Send"] }),
    );

    const seeOverBoth = async (subject: string, t0: number) => {
      let imapAt = 0;
      let graphAt = 0;
      while (Date.now() - t0 < 1000 && (!imapAt || !graphAt)) {
        if (!imapAt && ((await imap.search({ subject }, { uid: true })) as number[]).length) imapAt = Date.now();
        if (!graphAt) {
          const list = await graphBob.api("/me/mailFolders/inbox/messages").select("subject").top(20).get();
          if (list.value.some((m: { subject: string }) => m.subject === subject)) graphAt = Date.now();
        }
      }
      return { imap: imapAt - t0, graph: graphAt - t0 };
    };

    let t0 = Date.now();
    await transport(ALICE, await sb.ctx.mint({ upn: ALICE, scopes: ["SMTP.Send"] })).sendMail({
      from: ALICE,
      to: BOB,
      subject: "via smtp 1",
      text: "hello",
    });
    let seen = await seeOverBoth("via smtp 1", t0);
    expect(seen.imap).toBeGreaterThan(0);
    expect(seen.graph).toBeGreaterThan(0);

    t0 = Date.now();
    await graphAlice
      .api("/me/sendMail")
      .post({
        message: {
          subject: "via graph 1",
          body: { contentType: "Text", content: "hello" },
          toRecipients: [{ emailAddress: { address: BOB } }],
        },
        saveToSentItems: true,
      });
    seen = await seeOverBoth("via graph 1", t0);
    expect(seen.imap).toBeGreaterThan(0);
    expect(seen.graph).toBeGreaterThan(0);
    await imap.logout();
  });
});
