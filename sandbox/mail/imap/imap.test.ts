// imapflow (unmodified) against the sandbox IMAP server: XOAUTH2 outcomes, folder and message
// commands, IDLE pushes, a 2,000-message bulk fetch, the connection limit and fault switches.
import tls from "node:tls";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailSandbox, type MailSandbox } from "../../../testing/start-mail-sandbox";
import { CAPS_POST } from "./imap-session";
import { servicePrincipalObjectId } from "../../directory/exchange-rbac";

const ALICE = "alice@contoso.onmicrosoft.com";
const BOB = "bob@contoso.onmicrosoft.com";
const SUPPORT = "support@contoso.onmicrosoft.com";
const IMAP = ["IMAP.AccessAsUser.All"];

let sb: MailSandbox;
const clients: ImapFlow[] = [];

function client(user: string, accessToken: string, extra: Record<string, unknown> = {}) {
  const c = new ImapFlow({
    host: "localhost",
    port: sb.imapPort,
    secure: true,
    tls: { ca: sb.ctx.tls.ca },
    auth: { user, accessToken },
    logger: false,
    ...extra,
  });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

async function connectError(user: string, token: string) {
  const c = client(user, token);
  return c.connect().then(
    () => undefined,
    (e: Error & { response?: string; authenticationFailed?: boolean }) => e,
  );
}

/** A raw TLS session: each step sends its line once the transcript so far matches `when`; resolves
 *  with the whole transcript when the server closes (or `untilText` appears). */
function rawSession(steps: { when: RegExp; send: string | (() => Promise<string>) }[], untilText?: string) {
  return new Promise<string>((resolve, reject) => {
    const s = tls.connect({ host: "localhost", port: sb.imapPort, ca: sb.ctx.tls.ca, servername: "localhost" });
    let buf = "";
    let i = 0;
    let waiting = false;
    const step = async () => {
      while (!waiting && i < steps.length && steps[i].when.test(buf)) {
        const send = steps[i++].send;
        if (typeof send === "string") s.write(send + "\r\n");
        else {
          waiting = true;
          const line = await send();
          waiting = false;
          s.write(line + "\r\n");
        }
      }
    };
    s.on("data", (d) => {
      buf += d.toString("latin1");
      void step();
      if (untilText && buf.includes(untilText)) s.end();
    });
    s.on("close", () => resolve(buf));
    s.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sb = await startMailSandbox();
  const r = await sb.admin("POST", `/admin/mail/mailboxes/${ALICE}/messages`, {
    generate: { count: 30, size: 2000, attachmentRatio: 0.3, unreadRatio: 0.4, seed: 3 },
  });
  expect(r.status).toBe(201);
  await sb.admin("POST", `/admin/mail/mailboxes/${SUPPORT}/messages`, { generate: { count: 5, size: 1000, seed: 4 } });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await sb.stop();
});

describe("IMAP XOAUTH2", () => {
  it("greets and advertises Exchange's capabilities before login", async () => {
    const lines = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: "localhost", port: sb.imapPort, ca: sb.ctx.tls.ca, servername: "localhost" });
      let buf = "";
      s.on("data", (d) => {
        buf += d.toString();
        if (buf.includes("* OK The Microsoft") && !buf.includes("CAPABILITY")) s.write("a1 CAPABILITY\r\n");
        if (buf.includes("a1 OK")) {
          s.end();
          resolve(buf);
        }
      });
      s.on("error", reject);
    });
    expect(lines).toMatch(/^\* OK The Microsoft Exchange IMAP4 service is ready\. \[[A-Za-z0-9+/=]+\]\r\n/);
    expect(lines).toContain(
      "* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+\r\n",
    );
    expect(lines).toContain("a1 OK CAPABILITY completed.");
  });

  it("signs a user into their own mailbox and lists folders", async () => {
    const c = client(ALICE, await sb.ctx.mint({ upn: ALICE, scopes: IMAP }));
    await c.connect();
    expect([...(c.capabilities?.keys() ?? [])]).toEqual(expect.arrayContaining(["MOVE", "IDLE", "UIDPLUS", "AUTH=XOAUTH2"]));
    const list = await c.list();
    expect(list.map((f) => f.path)).toEqual(expect.arrayContaining(["INBOX", "Sent Items", "Deleted Items", "Archive"]));
    expect(list.find((f) => f.path === "Sent Items")?.specialUse).toBe("\\Sent");
    await c.logout();
  });

  it("answers STATUS with Exchange's trailing space, which imapflow (unmodified) reads", async () => {
    const token = await sb.ctx.mint({ upn: ALICE, scopes: IMAP });
    const t = await rawSession([
      {
        when: /^\* OK The Microsoft/,
        send: `A01 AUTHENTICATE XOAUTH2 ${Buffer.from(`user=${ALICE}\x01auth=Bearer ${token}\x01\x01`).toString("base64")}`,
      },
      { when: /A01 OK/, send: "A02 STATUS INBOX (MESSAGES)" },
      { when: /A02 OK/, send: "A03 LOGOUT" },
    ]);
    expect(t).toMatch(/\* STATUS INBOX \(MESSAGES \d+\) \r\nA02 OK STATUS completed\.\r\n/);
    expect(t).toContain("* BYE Microsoft Exchange Server IMAP4 server signing off.\r\nA03 OK LOGOUT completed.\r\n");
    const c = client(ALICE, token);
    await c.connect();
    const st = await c.status("INBOX", { messages: true, unseen: true });
    expect(st && st.messages).toBeGreaterThan(0);
    await c.logout();
  });

  it("opens a shared mailbox with a delegate token (user=shared, FullAccess)", async () => {
    const c = client(SUPPORT, await sb.ctx.mint({ upn: ALICE, scopes: IMAP }));
    await c.connect();
    const st = await c.status("INBOX", { messages: true });
    expect(st && st.messages).toBe(5);
    await c.logout();
  });

  it.each([
    ["another user's mailbox", BOB, ALICE],
    ["shared mailbox without FullAccess", SUPPORT, BOB],
    ["unlicensed user", "carol@contoso.onmicrosoft.com", "carol@contoso.onmicrosoft.com"],
    ["IMAP disabled for the mailbox", "dave@contoso.onmicrosoft.com", "dave@contoso.onmicrosoft.com"],
    ["mailbox in another tenant", ALICE, "frank@fabrikam.onmicrosoft.com"],
  ])("authenticates then refuses: %s", async (_label, user, tokenUser) => {
    const err = await connectError(user, await sb.ctx.mint({ upn: tokenUser, scopes: IMAP }));
    expect(err?.authenticationFailed).toBe(true);
    expect(err?.response).toBe("User is authenticated but not connected.");
  });

  it("answers ID, LOGIN, malformed arguments and LOGOUT with Exchange's texts (raw transcript)", async () => {
    const token = await sb.ctx.mint({ upn: ALICE, scopes: IMAP });
    const ir = Buffer.from(`user=${ALICE}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
    const transcript = await rawSession([
      { when: /^\* OK The Microsoft/, send: 'A01 ID ("name" "raw")' },
      { when: /A01 OK/, send: `A02 LOGIN ${ALICE} Passw0rd!` },
      { when: /A02 NO/, send: `A03 AUTHENTICATE XOAUTH2 ${ir}` },
      { when: /A03 OK/, send: "A04 CREATE" },
      { when: /A04 BAD/, send: "A05 LOGOUT" },
    ]);
    expect(transcript).toContain('* ID ("name" "Microsoft.Exchange.Imap4.Imap4Server" "version" "15.20")\r\nA01 OK ID completed.\r\n');
    expect(transcript).toContain("A02 NO LOGIN failed.\r\n");
    expect(transcript).toContain("A03 OK AUTHENTICATE completed.\r\n");
    expect(transcript).toContain("A04 BAD Command Argument Error. 11\r\n");
    expect(transcript).toMatch(/\* BYE Microsoft Exchange Server IMAP4 server signing off\.\r\nA05 OK LOGOUT completed\.\r\n$/);
  });

  it("refuses commands with Exchange's texts: invalid state, unknown command, missing or existing folder, special folder, read-only (raw transcript)", async () => {
    const token = await sb.ctx.mint({ upn: ALICE, scopes: IMAP });
    const ir = Buffer.from(`user=${ALICE}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
    const transcript = await rawSession([
      { when: /^\* OK The Microsoft/, send: "B01 SELECT INBOX" },
      { when: /B01 BAD/, send: "B02 AUTHENTICATE XOAUTH2" },
      { when: /\+ \r\n$/, send: "*" },
      { when: /B02 BAD/, send: `B03 AUTHENTICATE XOAUTH2 ${ir}` },
      { when: /B03 OK/, send: `B04 AUTHENTICATE XOAUTH2 ${ir}` },
      { when: /B04 BAD/, send: "B06 SELECT Nowhere" },
      { when: /B06 NO/, send: "B07 CREATE Inbox" },
      { when: /B07 NO/, send: "B08 DELETE Inbox" },
      { when: /B08 NO/, send: "B09 FETCH 1 FLAGS" },
      { when: /B09 BAD/, send: "B10 EXAMINE INBOX" },
      { when: /B10 OK/, send: "B11 STORE 1 +FLAGS (\\Seen)" },
      { when: /B11 NO/, send: "B05 FROBNICATE" },
      { when: /B05 BAD/, send: "B12 LOGOUT" },
    ]);
    expect(transcript).toContain("B01 BAD Command received in Invalid state.\r\n");
    expect(transcript).toContain("B02 BAD AUTHENTICATE failed.\r\n");
    expect(transcript).toContain("B04 BAD Command received in Invalid state.\r\n");
    expect(transcript).toContain("B05 BAD Command Error. 10\r\n");
    expect(transcript).toContain("B06 NO The requested item could not be found.\r\n");
    expect(transcript).toContain("B07 NO Folder already exists.\r\n");
    expect(transcript).toContain("B08 NO Special folders can not be deleted.\r\n");
    expect(transcript).toContain("B09 BAD Command received in Invalid state.\r\n");
    expect(transcript).toContain("B11 NO The folder is read-only.\r\n");
  });

  it("replies OK AUTHENTICATE, then BAD alone, then BAD and BYE ... 14 (raw transcript)", async () => {
    const token = await sb.ctx.mint({ upn: BOB, scopes: IMAP });
    const ir = Buffer.from(`user=${ALICE}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
    const transcript = await rawSession([
      { when: /^\* OK The Microsoft/, send: "A01 AUTHENTICATE XOAUTH2" },
      { when: /\+ \r\n$/, send: ir },
      { when: /A01 OK/, send: "A02 CAPABILITY" },
      { when: /A02 OK/, send: "A03 NAMESPACE" },
      { when: /A03 BAD/, send: 'A04 LIST "" "INBOX"' },
    ]);
    expect(transcript).toContain("A01 OK AUTHENTICATE completed.\r\n");
    expect(transcript).toContain(`* CAPABILITY ${CAPS_POST}\r\nA02 OK CAPABILITY completed.\r\n`);
    expect(transcript).toContain("A03 BAD User is authenticated but not connected.\r\nA04");
    expect(transcript).toMatch(/A04 BAD User is authenticated but not connected\.\r\n\* BYE Connection closed\. 14\r\n$/);
  });

  it.each([
    ["a token without IMAP.AccessAsUser.All", { upn: ALICE, scopes: ["SMTP.Send"] }],
    ["a Graph-audience token", { upn: ALICE, scopes: IMAP, aud: "https://graph.microsoft.com" }],
    ["an expired token", { upn: ALICE, scopes: IMAP, expiresInSec: -120 }],
    ["an app token without IMAP.AccessAsApp consent", { roles: ["IMAP.AccessAsApp"] }],
  ])("fails AUTHENTICATE with %s", async (_label, mint) => {
    const err = await connectError(ALICE, await sb.ctx.mint(mint));
    expect(err?.authenticationFailed).toBe(true);
    expect(String(err?.response ?? err?.message)).toMatch(/AUTHENTICATE failed\./);
  });

  it("accepts an app-only token with IMAP.AccessAsApp, admin consent, and the service principal's FullAccess", async () => {
    const tid = sb.ctx.users[0].tenantId;
    sb.ctx.appConsents.add(`${tid}|app-imap|IMAP.AccessAsApp`);
    const objectId = servicePrincipalObjectId(tid, "app-imap");
    sb.ctx.exchange.servicePrincipals.push({ tenantId: tid, appId: "app-imap", objectId, displayName: "app-imap" });
    sb.ctx.exchange.mailboxPermissions.push({ tenantId: tid, address: ALICE, principalObjectId: objectId, accessRights: "FullAccess" });
    const c = client(ALICE, await sb.ctx.mint({ roles: ["IMAP.AccessAsApp"], appId: "app-imap" }));
    await c.connect();
    await c.logout();
  });
});

describe("IMAP session lifetime: the access token's exp claim", () => {
  const xoauth2 = (user: string, token: string) => Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
  const BYE_EXPIRED = "* BYE Session invalidated - AccessTokenExpired\r\n";

  it("ends the session at the next command after exp: * BYE Session invalidated - AccessTokenExpired, no tagged reply", async () => {
    const token = await sb.ctx.mint({ upn: ALICE, scopes: IMAP, expiresInSec: 3 });
    const t = await rawSession([
      { when: /^\* OK The Microsoft/, send: `A01 AUTHENTICATE XOAUTH2 ${xoauth2(ALICE, token)}` },
      { when: /A01 OK/, send: "A02 SELECT INBOX" },
      { when: /A02 OK/, send: async () => (await sleep(3500), 'A03 LIST "" "*"') },
    ]);
    expect(t).toContain("A01 OK AUTHENTICATE completed.\r\n");
    expect(t).toContain("A02 OK [READ-WRITE] SELECT completed.\r\n");
    expect(t.endsWith(`A02 OK [READ-WRITE] SELECT completed.\r\n${BYE_EXPIRED}`)).toBe(true);
    expect(t).not.toContain("A03 ");
  });

  it("an IDLE that outlives its token pushes nothing more and gets the BYE at DONE", async () => {
    const token = await sb.ctx.mint({ upn: BOB, scopes: IMAP, expiresInSec: 3 });
    const t = await rawSession([
      { when: /^\* OK The Microsoft/, send: `A01 AUTHENTICATE XOAUTH2 ${xoauth2(BOB, token)}` },
      { when: /A01 OK/, send: "A02 SELECT INBOX" },
      { when: /A02 OK/, send: "A03 IDLE" },
      {
        when: /\+ IDLE accepted, awaiting DONE command\.\r\n$/,
        send: async () => {
          await sleep(3500);
          await sb.admin("POST", `/admin/mail/mailboxes/${BOB}/messages`, { raw: `From: ${ALICE}\r\nSubject: after exp\r\n\r\nx\r\n` });
          await sleep(300);
          return "DONE";
        },
      },
    ]);
    const afterIdle = t.slice(t.indexOf("+ IDLE accepted"));
    expect(afterIdle).toBe(`+ IDLE accepted, awaiting DONE command.\r\n${BYE_EXPIRED}`);
  });

  it("imapflow (unmodified) sees the BYE reason on the rejected command", async () => {
    const c = client(ALICE, await sb.ctx.mint({ upn: ALICE, scopes: IMAP, expiresInSec: 3 }));
    await c.connect();
    await sleep(3500);
    const err = (await c.list().then(
      () => undefined,
      (e: Error & { code?: string; reason?: string }) => e,
    )) as (Error & { code?: string; reason?: string }) | undefined;
    expect(err?.code).toBe("NoConnection");
    expect(err?.reason).toBe("Session invalidated - AccessTokenExpired");
  });

  it("a fresh token opens a new session as usual", async () => {
    const c = client(ALICE, await sb.ctx.mint({ upn: ALICE, scopes: IMAP }));
    await c.connect();
    expect((await c.list()).length).toBeGreaterThan(3);
    await c.logout();
  });
});

describe("IMAP mailbox operations", () => {
  it("fetches, searches, stores, moves, copies, appends and expunges", async () => {
    const c = client(ALICE, await sb.ctx.mint({ upn: ALICE, scopes: IMAP }));
    await c.connect();
    const lock = await c.getMailboxLock("INBOX");
    try {
      const box = c.mailbox as { exists: number; uidValidity: bigint; uidNext: number };
      expect(box.exists).toBe(30);
      const msgs = [];
      for await (const m of c.fetch("1:5", {
        uid: true,
        flags: true,
        envelope: true,
        bodyStructure: true,
        internalDate: true,
        size: true,
        headers: ["subject", "message-id"],
        source: true,
      }))
        msgs.push(m);
      expect(msgs).toHaveLength(5);
      expect(msgs[0].envelope?.subject).toBeTruthy();
      expect(msgs[0].envelope?.from?.[0].address).toMatch(/@/);
      expect(msgs[0].size).toBe(msgs[0].source?.length);
      expect(msgs[0].headers?.toString()).toMatch(/^Subject: /im);

      const partial = await c.fetchOne("1", { bodyParts: ["TEXT"] }, { uid: true });
      expect(partial && partial.bodyParts?.get("text")?.length).toBeGreaterThan(10);

      const withAttachment = [];
      for await (const m of c.fetch("1:*", { uid: true, bodyStructure: true }))
        if (m.bodyStructure?.childNodes?.length) withAttachment.push(m.uid);
      expect(withAttachment.length).toBeGreaterThan(0);
      const dl = await c.download(String(withAttachment[0]), "2", { uid: true });
      const chunks: Buffer[] = [];
      for await (const ch of dl.content!) chunks.push(ch as Buffer);
      expect(Buffer.concat(chunks).toString()).toContain("col1,col2,col3");

      const unseen = (await c.search({ seen: false }, { uid: true })) as number[];
      const seen = (await c.search({ seen: true }, { uid: true })) as number[];
      expect(unseen.length + seen.length).toBe(30);
      expect(await c.search({ uid: "1:3" }, { uid: true })).toEqual([1, 2, 3]);
      // Midnight UTC: imapflow widens BEFORE to the next day for other times.
      const cut = new Date(Math.floor(Date.now() / 86_400_000 - 10) * 86_400_000);
      const since = (await c.search({ since: cut }, { uid: true })) as number[];
      const before = (await c.search({ before: cut }, { uid: true })) as number[];
      expect(since.length + before.length).toBe(30);
      const combo = (await c.search({ seen: false, since: cut }, { uid: true })) as number[];
      expect(combo.every((u) => unseen.includes(u) && since.includes(u))).toBe(true);

      await c.messageFlagsAdd(String(unseen[0]), ["\\Seen", "\\Flagged"], { uid: true });
      const after = await c.fetchOne(String(unseen[0]), { flags: true }, { uid: true });
      expect(after && [...(after.flags ?? [])]).toEqual(expect.arrayContaining(["\\Seen", "\\Flagged"]));
      await c.messageFlagsRemove(String(unseen[0]), ["\\Flagged"], { uid: true });
      await c.messageFlagsSet(String(unseen[0]), ["\\Seen"], { uid: true });

      const moved = await c.messageMove("1:2", "Archive", { uid: true });
      expect(moved && moved.uidMap?.size).toBe(2);
      const copied = await c.messageCopy("3", "Archive", { uid: true });
      expect(copied && copied.uidMap?.get(3)).toBe(3);
      expect((c.mailbox as { exists: number }).exists).toBe(28);

      const appended = await c.append(
        "INBOX",
        `From: ${BOB}\r\nTo: ${ALICE}\r\nSubject: appended\r\nMessage-ID: <ap1@x>\r\n\r\nhello\r\n`,
        ["\\Seen"],
      );
      expect(appended && appended.uid).toBeGreaterThan(30);

      await c.messageDelete("4", { uid: true }); // STORE \Deleted + UID EXPUNGE
      expect((c.mailbox as { exists: number }).exists).toBe(28);
      expect(await c.search({ uid: "4" }, { uid: true })).toEqual([]);
    } finally {
      lock.release();
    }
    await c.mailboxCreate("INBOX/Projects");
    expect((await c.list()).find((f) => f.path === "INBOX")?.flags.has("\\HasChildren")).toBe(true);
    await c.mailboxRename("INBOX/Projects", "Projects 2026");
    await c.mailboxDelete("Projects 2026");
    expect((await c.list()).map((f) => f.path)).not.toContain("Projects 2026");
    await c.logout();
  });

  it("pushes EXISTS and EXPUNGE to an IDLE session within 1 s", async () => {
    const c = client(ALICE, await sb.ctx.mint({ upn: ALICE, scopes: IMAP }));
    await c.connect();
    await c.mailboxOpen("INBOX");
    const exists = new Promise<number>((resolve) => c.once("exists", () => resolve(Date.now())));
    void c.idle();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    const r = await sb.admin<{ uid: number }>("POST", `/admin/mail/mailboxes/${ALICE}/messages`, {
      raw: `From: ${BOB}\r\nSubject: push\r\n\r\nping\r\n`,
    });
    expect((await exists) - t0).toBeLessThan(1000);
    const expunge = new Promise<number>((resolve) => c.once("expunge", () => resolve(Date.now())));
    const other = client(ALICE, await sb.ctx.mint({ upn: ALICE, scopes: IMAP }));
    await other.connect();
    await other.mailboxOpen("INBOX");
    const t1 = Date.now();
    await other.messageDelete(String(r.body.uid), { uid: true });
    expect((await expunge) - t1).toBeLessThan(1000);
    await other.logout();
    await c.logout();
  });
});

describe("IMAP scale, limits and faults", () => {
  it("streams UID FETCH 1:* (UID FLAGS BODY.PEEK[]) of 2,000 messages", async () => {
    const load = await sb.admin<{ total: number }>("POST", `/admin/mail/mailboxes/${BOB}/bulk-load`, { count: 2000, size: 4096 });
    expect(load.status).toBe(201);
    const c = client(BOB, await sb.ctx.mint({ upn: BOB, scopes: IMAP }));
    await c.connect();
    await c.mailboxOpen("INBOX");
    let n = 0;
    let bytes = 0;
    for await (const m of c.fetch("1:*", { uid: true, flags: true, source: true }, { uid: true })) {
      n++;
      bytes += m.source?.length ?? 0;
    }
    expect(n).toBe(load.body.total);
    expect(bytes).toBeGreaterThan(2000 * 3500);
    await c.logout();
  });

  it("refuses connections over the per-mailbox limit", async () => {
    await sb.admin("PUT", "/admin/mail/settings", { connectionLimit: 2 });
    try {
      const token = await sb.ctx.mint({ upn: BOB, scopes: IMAP });
      const a = client(BOB, token);
      const b = client(BOB, token);
      await a.connect();
      await b.connect();
      expect(await connectError(BOB, token)).toBeDefined();
      const ir = Buffer.from(`user=${BOB}\x01auth=Bearer ${token}\x01\x01`).toString("base64");
      const transcript = await rawSession([{ when: /^\* OK The Microsoft/, send: `T1 AUTHENTICATE XOAUTH2 ${ir}` }]);
      expect(transcript).toMatch(
        /T1 BAD Request is throttled\. Suggested Backoff Time: \d+ milliseconds\r\n\* BYE Connection closed\. 14\r\n$/,
      );
      await a.logout();
      await b.logout();
    } finally {
      await sb.admin("PUT", "/admin/mail/settings", { connectionLimit: 20 });
    }
  });

  it("drops the connection mid-fetch when the fault switch is armed", async () => {
    await sb.admin("POST", "/admin/mail/faults", { address: BOB, dropAfterMessages: 50 });
    const c = client(BOB, await sb.ctx.mint({ upn: BOB, scopes: IMAP }));
    await c.connect();
    await c.mailboxOpen("INBOX");
    let n = 0;
    const run = async () => {
      for await (const _m of c.fetch("1:*", { uid: true, source: true }, { uid: true })) n++;
    };
    await expect(run()).rejects.toBeTruthy();
    expect(n).toBeLessThanOrEqual(50);
  });

  it("drops after N bytes and stalls the next connection when armed", async () => {
    await sb.admin("POST", "/admin/mail/faults", { address: BOB, dropAfterBytes: 100_000 });
    const c = client(BOB, await sb.ctx.mint({ upn: BOB, scopes: IMAP }));
    await c.connect();
    await c.mailboxOpen("INBOX");
    let bytes = 0;
    const run = async () => {
      for await (const m of c.fetch("1:*", { uid: true, source: true }, { uid: true })) bytes += m.source?.length ?? 0;
    };
    await expect(run()).rejects.toBeTruthy();
    expect(bytes).toBeLessThan(110_000);

    await sb.admin("POST", "/admin/mail/faults", { address: BOB, stallSeconds: 1 });
    const t0 = Date.now();
    const slow = client(BOB, await sb.ctx.mint({ upn: BOB, scopes: IMAP }));
    await slow.connect();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    await slow.logout();
    const t1 = Date.now();
    const fast = client(BOB, await sb.ctx.mint({ upn: BOB, scopes: IMAP }));
    await fast.connect();
    expect(Date.now() - t1).toBeLessThan(1000);
    await fast.logout();
  });

  it("changes UIDVALIDITY through the admin API", async () => {
    const c = client(ALICE, await sb.ctx.mint({ upn: ALICE, scopes: IMAP }));
    await c.connect();
    const status = async () => {
      const st = await c.status("Archive", { uidValidity: true });
      if (!st) throw new Error("STATUS failed");
      return st;
    };
    const before = await status();
    const r = await sb.admin<{ uidValidity: number }>("POST", `/admin/mail/mailboxes/${ALICE}/folders/Archive/reset-uidvalidity`);
    const after = await status();
    expect(BigInt(r.body.uidValidity)).toBe(after.uidValidity);
    expect(after.uidValidity).not.toBe(before.uidValidity);
    await c.logout();
  });
});
