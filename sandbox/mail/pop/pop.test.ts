// A minimal POP3 exchange over tls.connect: XOAUTH2 (continuation and initial-response forms),
// USER/PASS refused, STAT/LIST/UIDL/TOP/RETR/DELE/QUIT, and the mailbox checks.
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
  };
}

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
    expect(await c.send("CAPA", true)).toContain("SASL PLAIN XOAUTH2");
    await c.send("USER " + BOB);
    expect(await c.send("PASS secret")).toBe("-ERR Authentication failure: unknown user name or bad password.\r\n");
    expect(await c.send("AUTH XOAUTH2")).toBe("+ \r\n");
    expect(await c.send(xo(BOB, await sb.ctx.mint({ upn: BOB, scopes: ["POP.AccessAsUser.All"] })))).toBe(
      "+OK User successfully authenticated.\r\n",
    );
    expect(await c.send("STAT")).toMatch(/^\+OK 3 \d+\r\n$/);
    expect((await c.send("LIST", true)).split("\r\n").filter((l) => /^\d+ \d+$/.test(l))).toHaveLength(3);
    expect(await c.send("UIDL 1")).toMatch(/^\+OK 1 \S+\r\n$/);
    const top = await c.send("TOP 1 0", true);
    expect(top).toMatch(/Subject: /);
    const retr = await c.send("RETR 2", true);
    expect(retr).toMatch(/^\+OK\r\n[\s\S]*Best regards[\s\S]*\r\n\.\r\n$/);
    expect(await c.send("DELE 1")).toBe("+OK\r\n");
    expect(await c.send("RETR 1", true)).toMatch(/^-ERR/);
    expect(await c.send("QUIT")).toMatch(/^\+OK/);
    c.close();
    const after = await sb.admin<{ total: number }>("GET", `/admin/mail/mailboxes/${BOB}`);
    expect(after.body.total).toBe(2);
  });

  it("accepts the initial-response form and refuses bad tokens and disabled mailboxes", async () => {
    const ok = await pop();
    expect(await ok.send(`AUTH XOAUTH2 ${xo(BOB, await sb.ctx.mint({ upn: BOB, scopes: ["POP.AccessAsUser.All"] }))}`)).toBe(
      "+OK User successfully authenticated.\r\n",
    );
    ok.close();
    const fail = "-ERR Authentication failure: unknown user name or bad password.\r\n";
    const cases: [string, { upn: string; scopes: string[] }][] = [
      [BOB, { upn: BOB, scopes: ["IMAP.AccessAsUser.All"] }],
      [BOB, { upn: "alice@contoso.onmicrosoft.com", scopes: ["POP.AccessAsUser.All"] }],
      ["dave@contoso.onmicrosoft.com", { upn: "dave@contoso.onmicrosoft.com", scopes: ["POP.AccessAsUser.All"] }],
    ];
    for (const [user, mint] of cases) {
      const c = await pop();
      expect(await c.send(`AUTH XOAUTH2 ${xo(user, await sb.ctx.mint(mint))}`)).toBe(fail);
      c.close();
    }
  });
});
