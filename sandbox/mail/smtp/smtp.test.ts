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

/** A raw SMTP client: each cmd() resolves with the complete reply (all its lines, CRLF included). */
async function dialogue() {
  let buf = "";
  let waiting: ((reply: string) => void) | undefined;
  let sock: net.Socket | tls.TLSSocket = net.connect(sb.smtpPort, "127.0.0.1");
  const onData = (d: Buffer) => {
    buf += d.toString("latin1");
    const m = buf.match(/^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/);
    if (m && waiting) {
      buf = buf.slice(m[0].length);
      const w = waiting;
      waiting = undefined;
      w(m[0]);
    }
  };
  const next = () => new Promise<string>((resolve) => ((waiting = resolve), onData(Buffer.alloc(0))));
  sock.on("data", onData);
  const greeting = await next();
  let closed = false;
  const watchClose = (s: net.Socket) => s.on("close", () => (closed = true));
  watchClose(sock);
  return {
    greeting,
    cmd: (line: string) => {
      const r = next();
      sock.write(`${line}\r\n`);
      return r;
    },
    /** Writes bytes as they are (pipelined commands, BDAT chunks) and collects the next `n` replies. */
    write: async (bytes: string | Buffer, n = 1) => {
      sock.write(bytes);
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(await next());
      return out;
    },
    closed: () => closed,
    upgrade: () =>
      new Promise<void>((resolve, reject) => {
        sock.off("data", onData);
        const secure = tls.connect({ socket: sock, ca: sb.ctx.tls.ca, servername: "localhost" }, () => resolve());
        secure.on("data", onData);
        watchClose(secure);
        secure.on("error", reject);
        sock = secure;
      }),
    end: () => sock.end(),
  };
}

beforeAll(async () => {
  sb = await startMailSandbox();
});
afterAll(async () => {
  await sb.stop();
});

describe("SMTP submission", () => {
  it("greets, lists EHLO and answers STARTTLS like Exchange Online, with AUTH LOGIN XOAUTH2 only after STARTTLS", async () => {
    const d = await dialogue();
    const host = d.greeting.match(/^220 (\S+) /)![1];
    expect(host).toMatch(/^[A-Z0-9]+\.outlook\.office365\.com$/);
    expect(d.greeting).toMatch(
      /^220 \S+ Microsoft ESMTP MAIL Service ready at (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [1-3]?\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000 \[[0-9A-F]{16}\]\r\n$/,
    );
    const keywords = (tls: string) =>
      [`250-${host} Hello [127.0.0.1]`, "250-SIZE 157286400", "250-PIPELINING", "250-DSN", "250-ENHANCEDSTATUSCODES", `250-${tls}`]
        .concat(["250-8BITMIME", "250-BINARYMIME", "250-CHUNKING", "250 SMTPUTF8"])
        .join("\r\n") + "\r\n";
    expect(await d.cmd("EHLO client.example.com")).toBe(keywords("STARTTLS"));
    expect(await d.cmd("STARTTLS")).toBe("220 2.0.0 SMTP server ready\r\n");
    await d.upgrade();
    expect(await d.cmd("EHLO client.example.com")).toBe(keywords("AUTH LOGIN XOAUTH2"));
    expect(await d.cmd("HELO client.example.com")).toBe(`250 ${host} Hello [127.0.0.1]\r\n`);
    d.end();
  });

  it("answers AUTH before STARTTLS, and AUTH PLAIN or an unknown mechanism after it, with 504 5.7.4", async () => {
    const unrecognized =
      /^504 5\.7\.4 Unrecognized authentication type \[\S+\.prod\.outlook\.com \d{4}-\d\d-\d\dT[\d:.]+Z [0-9A-F]{16}\]\r\n$/;
    const token = await sb.ctx.mint({ upn: ALICE, scopes: ["SMTP.Send"] });
    const xoauth2 = Buffer.from(`user=${ALICE}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
    const d = await dialogue();
    await d.cmd("EHLO client.example.com");
    expect(await d.cmd(`AUTH XOAUTH2 ${xoauth2}`)).toMatch(unrecognized);
    expect(await d.cmd("AUTH LOGIN")).toMatch(unrecognized);
    expect(await d.cmd("AUTH PLAIN")).toMatch(unrecognized);
    await d.cmd("STARTTLS");
    await d.upgrade();
    await d.cmd("EHLO client.example.com");
    expect(await d.cmd(`AUTH PLAIN ${Buffer.from(`\0${ALICE}\0Passw0rd!`).toString("base64")}`)).toMatch(unrecognized);
    expect(await d.cmd("AUTH CRAM-MD5")).toMatch(unrecognized);
    // The two-step form Microsoft documents: "AUTH XOAUTH2", "334 ", then the payload.
    expect(await d.cmd("AUTH XOAUTH2")).toBe("334 \r\n");
    expect(await d.cmd(xoauth2)).toBe("235 2.7.0 Authentication successful\r\n");
    d.end();
  });

  it("authenticates nodemailer with XOAUTH2 after STARTTLS and delivers", async () => {
    const token = await sb.ctx.mint({ upn: ALICE, scopes: ["SMTP.Send"] });
    const info = await transport(ALICE, token).sendMail({
      from: ALICE,
      to: [BOB, "partner@example.com"],
      subject: "Quarterly numbers",
      text: "See attached.",
    });
    expect(info.response).toMatch(
      new RegExp(
        `^250 2\\.6\\.0 ${info.messageId.replace(/[.+]/g, "\\$&")} \\[InternalId=\\d+, Hostname=[A-Z0-9]+\\.[A-Z0-9]+\\.PROD\\.OUTLOOK\\.COM\\] \\d+ bytes in \\d+\\.\\d{3}, \\d+\\.\\d{3} KB/sec Queued mail for delivery$`,
      ),
    );
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
        /^535 5\.7\.3 Authentication unsuccessful \[\S+\.prod\.outlook\.com \d{4}-\d\d-\d\dT[\d:.]+Z [0-9A-F]{16}\]$/,
      );
    }
  });

  it("refuses a From the user may not send as after DATA: 554 5.2.252 SendAsDenied, or 550 5.7.60 on an older tenant", async () => {
    const token = await sb.ctx.mint({ upn: BOB, scopes: ["SMTP.Send"] });
    expect(await sendError(BOB, token, SUPPORT)).toMatch(
      new RegExp(
        `^554 5\\.2\\.252 SendAsDenied; ${BOB} not allowed to send as ${SUPPORT}; STOREDRV\\.Submission\\.Exception:SendAsDeniedException\\.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message \\[BeginDiagnosticData\\]Cannot submit message\\. `,
      ),
    );
    expect(await sendError(BOB, token, ALICE)).toMatch(/^554 5\.2\.252 SendAsDenied; /);
    const tenant = sb.ctx.directory.getTenant(sb.ctx.directory.resolveMailbox(BOB)!.tenantId)!;
    tenant.sendAsDeniedReply = "5.7.60";
    try {
      expect(await sendError(BOB, token, SUPPORT)).toMatch(
        /^550 5\.7\.60 SMTP; Client does not have permissions to send as this sender \[\S+\.prod\.outlook\.com\]$/,
      );
    } finally {
      delete tenant.sendAsDeniedReply;
    }
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

/** A raw session signed in as `user` over STARTTLS, ready for MAIL FROM. */
async function signedIn(user: string) {
  const d = await dialogue();
  await d.cmd("EHLO client.example.com");
  await d.cmd("STARTTLS");
  await d.upgrade();
  await d.cmd("EHLO client.example.com");
  const token = await sb.ctx.mint({ upn: user, scopes: ["SMTP.Send"] });
  expect(await d.cmd(`AUTH XOAUTH2 ${Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString("base64")}`)).toBe(
    "235 2.7.0 Authentication successful\r\n",
  );
  return d;
}

/** The raw MIME of the newest message in `address`'s Inbox with this subject, read back over IMAP. */
async function inboxSource(address: string, subject: string) {
  const imap = new ImapFlow({
    host: "localhost",
    port: sb.imapPort,
    secure: true,
    tls: { ca: sb.ctx.tls.ca },
    auth: { user: address, accessToken: await sb.ctx.mint({ upn: address, scopes: ["IMAP.AccessAsUser.All"] }) },
    logger: false,
  });
  await imap.connect();
  try {
    await imap.mailboxOpen("INBOX");
    const uids = (await imap.search({ subject }, { uid: true })) as number[];
    if (!uids.length) return undefined;
    const msg = await imap.fetchOne(String(uids[uids.length - 1]), { source: true }, { uid: true });
    return msg ? msg.source : undefined;
  } finally {
    await imap.logout();
  }
}

const QUEUED =
  /^250 2\.6\.0 \S+ \[InternalId=\d+, Hostname=\S+\] \d+ bytes in \d+\.\d{3}, \d+\.\d{3} KB\/sec Queued mail for delivery\r\n$/;

describe("SMTP transaction replies", () => {
  it("answers MAIL FROM, RCPT TO, DATA, RSET, NOOP and QUIT with Exchange's replies over a raw socket", async () => {
    const d = await signedIn(ALICE);
    expect(await d.cmd("NOOP")).toBe("250 2.0.0 OK\r\n");
    expect(await d.cmd("RCPT TO:<" + BOB + ">")).toBe("503 5.5.1 Bad sequence of commands\r\n");
    expect(await d.cmd("DATA")).toBe("503 5.5.2 Need rcpt command\r\n");
    expect(await d.cmd(`MAIL FROM:<${ALICE}>`)).toBe("250 2.1.0 Sender OK\r\n");
    expect(await d.cmd(`MAIL FROM:<${ALICE}>`)).toBe("503 5.5.1 Bad sequence of commands\r\n");
    expect(await d.cmd("DATA")).toBe("503 5.5.2 Need rcpt command\r\n");
    expect(await d.cmd(`RCPT TO:<${BOB}>`)).toBe("250 2.1.5 Recipient OK\r\n");
    expect(await d.cmd("RSET")).toBe("250 2.0.0 Resetting\r\n");
    expect(await d.cmd(`RCPT TO:<${BOB}>`)).toBe("503 5.5.1 Bad sequence of commands\r\n"); // RSET ended the transaction
    expect(await d.cmd(`MAIL FROM:<${ALICE}>`)).toBe("250 2.1.0 Sender OK\r\n");
    expect(await d.cmd(`RCPT TO:<${BOB}>`)).toBe("250 2.1.5 Recipient OK\r\n");
    expect(await d.cmd("DATA")).toBe("354 Start mail input; end with <CRLF>.<CRLF>\r\n");
    const [queued] = await d.write(`From: ${ALICE}\r\nTo: ${BOB}\r\nSubject: raw data\r\n\r\nhello\r\n.\r\n`);
    expect(queued).toMatch(QUEUED);
    expect(await d.cmd("QUIT")).toBe("221 2.0.0 Service closing transmission channel\r\n");
    await expect.poll(() => d.closed()).toBe(true);
    expect((await inboxSource(BOB, "raw data"))?.toString()).toMatch(/\r\n\r\nhello\r\n$/);
  });

  it("answers an unknown command with 500 5.3.3 Unrecognized command, quoting it", async () => {
    const d = await dialogue();
    const stamped = (quoted: string) =>
      new RegExp(
        `^500 5\\.3\\.3 Unrecognized command '${quoted}' \\[\\S+\\.prod\\.outlook\\.com \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z [0-9A-F]{16}\\]\\r\\n$`,
      );
    expect(await d.cmd("Length: 3")).toMatch(stamped("Length: 3"));
    expect(await d.cmd("WIZ")).toMatch(stamped("WIZ")); // smtp-server's sendmail jokes are not Exchange's
    expect(await d.cmd("XCLIENT ADDR=10.0.0.1")).toMatch(stamped("XCLIENT ADDR=10\\.0\\.0\\.1"));
    expect((await d.write(Buffer.from([0x21, 0x11, 0x00, 0x0c, 0xac, 0x0d, 0x0a])))[0]).toMatch(stamped("unknown"));
    d.end();
  });

  it("keeps smtp-server's HELP, VRFY and parameter-syntax replies, for which no Exchange Online trace was found", async () => {
    const d = await signedIn(ALICE);
    expect(await d.cmd("HELP")).toBe("214 2.0.0 See https://tools.ietf.org/html/rfc5321 for details\r\n");
    expect(await d.cmd(`VRFY ${BOB}`)).toBe("252 2.1.5 Try to send something. No promises though\r\n");
    expect(await d.cmd("MAIL FROM:nobody")).toMatch(/^501 /);
    d.end();
  });

  it("takes a message in BDAT chunks (CHUNKING, BODY=BINARYMIME), pipelined, byte for byte", async () => {
    const d = await signedIn(ALICE);
    // Binary content, and lines that would end DATA or look like commands: inside a chunk they are only bytes.
    const head = Buffer.from(`From: ${ALICE}\r\nTo: ${BOB}\r\nSubject: in chunks\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const body = Buffer.concat([Buffer.from([0, 1, 2, 255, 13, 10]), Buffer.from(".\r\n..\r\nBDAT 5\r\nQUIT\r\nend\r\n")]);
    const [mailOk, rcptOk, first] = await d.write(
      Buffer.concat([
        Buffer.from(`MAIL FROM:<${ALICE}> BODY=BINARYMIME\r\nRCPT TO:<${BOB}>\r\nBDAT ${head.length}\r\n`),
        head,
        Buffer.from(`BDAT ${body.length}\r\n`),
        body.subarray(0, 7), // the second chunk arrives in pieces
      ]),
      3,
    );
    expect([mailOk, rcptOk]).toEqual(["250 2.1.0 Sender OK\r\n", "250 2.1.5 Recipient OK\r\n"]);
    expect(first).toBe(`250 2.0.0 ${head.length} octets received\r\n`);
    const [second, last] = await d.write(Buffer.concat([body.subarray(7), Buffer.from("BDAT 0 LAST\r\n")]), 2);
    expect(second).toBe(`250 2.0.0 ${body.length} octets received\r\n`);
    expect(last).toMatch(QUEUED);
    const source = await inboxSource(BOB, "in chunks");
    const sent = Buffer.concat([head, body]);
    expect(source?.subarray(source.length - sent.length).equals(sent)).toBe(true);

    // One chunk with LAST: delivered, and the transaction is over.
    const one = Buffer.from(`From: ${ALICE}\r\nTo: ${BOB}\r\nSubject: one chunk\r\n\r\nhi\r\n`);
    const replies = await d.write(
      Buffer.concat([Buffer.from(`MAIL FROM:<${ALICE}>\r\nRCPT TO:<${BOB}>\r\nBDAT ${one.length} LAST\r\n`), one]),
      3,
    );
    expect(replies[2]).toMatch(QUEUED);
    expect(await d.cmd(`RCPT TO:<${BOB}>`)).toBe("503 5.5.1 Bad sequence of commands\r\n");
    d.end();
  });

  it("refuses BDAT out of sequence and DATA with BINARYMIME or after a chunk, reading the refused chunk's bytes", async () => {
    const anon = await dialogue();
    await anon.cmd("EHLO client.example.com");
    // The refused chunk's bytes are read, not run: "NOOP" inside it gets no reply of its own.
    expect(await anon.write("BDAT 6 LAST\r\nNOOP\r\nRSET\r\n", 2)).toEqual([
      "530 5.7.57 Client not authenticated to send mail\r\n",
      "250 2.0.0 Resetting\r\n",
    ]);
    anon.end();

    const d = await signedIn(ALICE);
    expect(await d.write("BDAT 6 LAST\r\nNOOP\r\nRSET\r\n", 2)).toEqual([
      "503 5.5.1 Bad sequence of commands\r\n",
      "250 2.0.0 Resetting\r\n",
    ]);
    expect(await d.write(`MAIL FROM:<${ALICE}>\r\nBDAT 6\r\nNOOP\r\nNOOP\r\n`, 3)).toEqual([
      "250 2.1.0 Sender OK\r\n",
      "503 5.5.2 Need rcpt command\r\n",
      "250 2.0.0 OK\r\n",
    ]);
    expect(await d.cmd(`RCPT TO:<${BOB}>`)).toBe("250 2.1.5 Recipient OK\r\n");
    expect(await d.write("BDAT 3\r\nabc", 1)).toEqual(["250 2.0.0 3 octets received\r\n"]);
    expect(await d.cmd("DATA")).toBe("503 5.5.1 Bad sequence of commands\r\n"); // DATA and BDAT don't mix
    expect(await d.cmd("RSET")).toBe("250 2.0.0 Resetting\r\n");
    expect(await d.cmd(`MAIL FROM:<${ALICE}> BODY=BINARYMIME`)).toBe("250 2.1.0 Sender OK\r\n");
    expect(await d.cmd(`RCPT TO:<${BOB}>`)).toBe("250 2.1.5 Recipient OK\r\n");
    expect(await d.cmd("DATA")).toBe("503 5.5.1 Bad sequence of commands\r\n"); // BINARYMIME needs BDAT
    expect(await d.cmd("BDAT x")).toBe("501 5.5.4 Invalid arguments\r\n");
    d.end();
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
    await graphAlice.api("/me/sendMail").post({
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
