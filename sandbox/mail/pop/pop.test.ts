// Raw POP3 exchanges over tls.connect, byte for byte (sandbox/FIDELITY.md, "Exchange Online:
// POP3"): XOAUTH2 only in the two-step form (the one-line form is refused and the connection
// closed), USER/PASS refused, STAT/LIST/UIDL/TOP/RETR/DELE/QUIT, the mailbox checks, and the
// session ending when its sign-in token expires.
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailSandbox, type MailSandbox } from "../../../testing/start-mail-sandbox";

const BOB = "bob@contoso.onmicrosoft.com";
let sb: MailSandbox;

/** Opens a POP session; send() resolves with the reply (multi-line when `multi`). */
async function pop() {
  const s = tls.connect({ host: "localhost", port: sb.popPort, ca: sb.ctx.tls.ca, servername: "localhost" });
  let buf = "";
  let waiter: { multi: boolean; resolve: (v: string) => void } | null = null;
  const check = () => {
    if (!waiter) return;
    const done = waiter.multi ? /^-ERR[^\r\n]*\r\n|\r\n\.\r\n$/.test(buf) : /\r\n$/.test(buf);
    if (done) {
      const w = waiter;
      const out = buf;
      buf = "";
      waiter = null;
      w.resolve(out);
    }
  };
  s.on("data", (d) => {
    buf += d.toString("latin1");
    check();
  });
  const closed = new Promise<void>((resolve) => s.on("close", () => resolve()));
  const next = (multi = false) =>
    new Promise<string>((resolve) => {
      waiter = { multi, resolve };
      check();
    });
  const greeting = await next();
  return {
    greeting,
    send: (line: string, multi = false) => {
      const p = next(multi);
      s.write(line + "\r\n");
      return p;
    },
    close: () => s.destroy(),
    /** Resolves when the server has closed the connection. */
    closed,
  };
}

const GREETING_HOST_B64 = Buffer.from("MW2PR1901MB2155.namprd19.prod.outlook.com", "utf16le").toString("base64");
const xo = (user: string, token: string) => Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString("base64");

beforeAll(async () => {
  sb = await startMailSandbox();
  await sb.admin("POST", `/admin/mail/mailboxes/${BOB}/messages`, { generate: { count: 3, size: 1200, seed: 9 } });
});
afterAll(async () => {
  await sb.stop();
});

describe("POP3", () => {
  it("authenticates with AUTH XOAUTH2 and reads, deletes and quits", async () => {
    const c = await pop();
    expect(c.greeting).toMatch(/^\+OK The Microsoft Exchange POP3 service is ready\./);
    expect(c.greeting).toBe(`+OK The Microsoft Exchange POP3 service is ready. [${GREETING_HOST_B64}]\r\n`);
    expect(await c.send("CAPA", true)).toBe("+OK\r\nTOP\r\nUIDL\r\nSASL PLAIN XOAUTH2\r\nUSER\r\n.\r\n");
    expect(await c.send("STAT")).toBe("-ERR Command is not valid in this state.\r\n");
    expect(await c.send("TAG1 LOGOUT")).toBe("-ERR Protocol error. 19\r\n");
    expect(await c.send("USER " + BOB)).toBe("+OK\r\n");
    expect(await c.send("PASS secret")).toBe("-ERR Logon failure: unknown user name or bad password.\r\n");
    expect(await c.send("AUTH LOGIN")).toBe("-ERR Authentication failure: unknown user name or bad password.\r\n");
    expect(await c.send("AUTH XOAUTH2")).toBe("+ \r\n");
    expect(await c.send(xo(BOB, await sb.ctx.mint({ upn: BOB, scopes: ["POP.AccessAsUser.All"] })))).toBe(
      "+OK User successfully authenticated.\r\n",
    );
    expect(await c.send("STAT")).toMatch(/^\+OK 3 \d+\r\n$/);
    expect(await c.send("USER " + BOB)).toBe("-ERR Command is not valid in this state.\r\n");
    expect((await c.send("LIST", true)).split("\r\n").filter((l) => /^\d+ \d+$/.test(l))).toHaveLength(3);
    expect(await c.send("UIDL 1")).toMatch(/^\+OK 1 \S+\r\n$/);
    const top = await c.send("TOP 1 0", true);
    expect(top).toMatch(/Subject: /);
    const retr = await c.send("RETR 2", true);
    expect(retr).toMatch(/^\+OK\r\n[\s\S]*Best regards[\s\S]*\r\n\.\r\n$/);
    expect(await c.send("DELE 1")).toBe("+OK\r\n");
    expect(await c.send("RETR 1", true)).toMatch(/^-ERR/);
    expect(await c.send("QUIT")).toBe("+OK Microsoft Exchange Server POP3 server signing off.\r\n");
    await c.closed;
    const after = await sb.admin<{ total: number }>("GET", `/admin/mail/mailboxes/${BOB}`);
    expect(after.body.total).toBe(2);
  });

  it("refuses the one-line AUTH XOAUTH2 <payload> with Protocol error 10 and closes the connection", async () => {
    const c = await pop();
    const token = await sb.ctx.mint({ upn: BOB, scopes: ["POP.AccessAsUser.All"] }); // a valid token
    expect(await c.send(`AUTH XOAUTH2 ${xo(BOB, token)}`)).toBe("-ERR Protocol error. Connection is closed. 10\r\n");
    await c.closed;
    // The two-step form with the same token signs in.
    const ok = await pop();
    expect(await ok.send("AUTH XOAUTH2")).toBe("+ \r\n");
    expect(await ok.send(xo(BOB, token))).toBe("+OK User successfully authenticated.\r\n");
    ok.close();
  });

  it("refuses bad tokens, other users' mailboxes and disabled mailboxes after the continuation", async () => {
    const fail = "-ERR Authentication failure: unknown user name or bad password.\r\n";
    const cases: [string, { upn: string; scopes: string[]; expiresInSec?: number }][] = [
      [BOB, { upn: BOB, scopes: ["POP.AccessAsUser.All"], expiresInSec: -10 }],
      [BOB, { upn: BOB, scopes: ["IMAP.AccessAsUser.All"] }],
      [BOB, { upn: "alice@contoso.onmicrosoft.com", scopes: ["POP.AccessAsUser.All"] }],
      ["dave@contoso.onmicrosoft.com", { upn: "dave@contoso.onmicrosoft.com", scopes: ["POP.AccessAsUser.All"] }],
    ];
    for (const [user, mint] of cases) {
      const c = await pop();
      expect(await c.send("AUTH XOAUTH2")).toBe("+ \r\n");
      expect(await c.send(xo(user, await sb.ctx.mint(mint)))).toBe(fail);
      c.close();
    }
  });

  it("refuses a sign-in over the per-mailbox connection limit", async () => {
    await sb.admin("PUT", "/admin/mail/settings", { connectionLimit: 1 });
    try {
      const token = await sb.ctx.mint({ upn: BOB, scopes: ["POP.AccessAsUser.All"] });
      const first = await pop();
      await first.send("AUTH XOAUTH2");
      expect(await first.send(xo(BOB, token))).toBe("+OK User successfully authenticated.\r\n");
      const second = await pop();
      await second.send("AUTH XOAUTH2");
      expect(await second.send(xo(BOB, token))).toBe("-ERR Server Unavailable. 21\r\n");
      first.close();
      second.close();
    } finally {
      await sb.admin("PUT", "/admin/mail/settings", { connectionLimit: 20 });
    }
  });

  it("ends the session at the sign-in token's expiry: the next command gets AccessTokenExpired, the connection closes, nothing is committed", async () => {
    const before = (await sb.admin<{ total: number }>("GET", `/admin/mail/mailboxes/${BOB}`)).body.total;
    const c = await pop();
    expect(await c.send("AUTH XOAUTH2")).toBe("+ \r\n");
    const token = await sb.ctx.mint({ upn: BOB, scopes: ["POP.AccessAsUser.All"], expiresInSec: 2 });
    expect(await c.send(xo(BOB, token))).toBe("+OK User successfully authenticated.\r\n");
    expect(await c.send("DELE 1")).toBe("+OK\r\n");
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await c.send("QUIT")).toBe("-ERR Session invalidated - AccessTokenExpired\r\n");
    await c.closed;
    expect((await sb.admin<{ total: number }>("GET", `/admin/mail/mailboxes/${BOB}`)).body.total).toBe(before);
  });
});
