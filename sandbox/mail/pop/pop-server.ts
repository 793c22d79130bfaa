// POP3 over implicit TLS, like outlook.office365.com:995. Each wire text and rule is a row of
// sandbox/FIDELITY.md ("Exchange Online: POP3") with its public source and its test. XOAUTH2 only in
// the two-step form Microsoft documents (AUTH XOAUTH2, "+ ", then the payload): the one-line form
// with an initial response is refused and the connection closed. The session lives as long as the
// access token it signed in with: the first command after the token's expiry ends it.
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import type { SandboxContext } from "../../contracts";
import { checkMailAccess, decodeXoauth2 } from "../access";
import type { MailStore } from "../store/mail-store";
import type { Folder, MailboxStore, StoredMessage } from "../store/mailbox-store";
import { headerEnd } from "../store/mime-headers";

export const POP_GREETING_HOST = "MW2PR1901MB2155.namprd19.prod.outlook.com";
export const POP_TEXT = {
  greeting: `+OK The Microsoft Exchange POP3 service is ready. [${Buffer.from(POP_GREETING_HOST, "utf16le").toString("base64")}]`,
  continuation: "+ ",
  authOk: "+OK User successfully authenticated.",
  /** XOAUTH2 refused (bad or expired token, wrong scope, no rights on the mailbox). */
  authFail: "-ERR Authentication failure: unknown user name or bad password.",
  /** USER/PASS: basic authentication is off in Exchange Online. */
  logonFail: "-ERR Logon failure: unknown user name or bad password.",
  /** The one-line AUTH XOAUTH2 <initial response>; the connection is closed after it. */
  oneLineAuth: "-ERR Protocol error. Connection is closed. 10",
  /** The first command after the sign-in token expired; the connection is closed after it. */
  tokenExpired: "-ERR Session invalidated - AccessTokenExpired",
  notValidInState: "-ERR Command is not valid in this state.",
  unknownCommand: "-ERR Protocol error. 19",
  outOfRange: "-ERR The specified message is out of range.",
  tooManyConnections: "-ERR Server Unavailable. 21",
  signOff: "+OK Microsoft Exchange Server POP3 server signing off.",
} as const;
const AUTH_FAIL = POP_TEXT.authFail;
const KNOWN = new Set([
  "USER",
  "PASS",
  "AUTH",
  "CAPA",
  "NOOP",
  "QUIT",
  "STAT",
  "LIST",
  "UIDL",
  "RETR",
  "TOP",
  "DELE",
  "RSET",
  "APOP",
  "STLS",
]);

function popSession(ctx: SandboxContext, store: MailStore, socket: tls.TLSSocket) {
  let buf = "";
  let state: "auth" | "trans" = "auth";
  let pendingAuth = false;
  let closed = false;
  let expiresAtMs = 0; // the sign-in token's exp
  const closeWith = (line: string) => {
    closed = true;
    send(line);
    socket.end();
  };
  let box: MailboxStore | undefined;
  let inbox: Folder | undefined;
  let msgs: StoredMessage[] = [];
  const deleted = new Set<number>();
  let address = "";
  const send = (s: string) => socket.write(s + "\r\n");
  const sendData = (data: Buffer) => {
    // Byte-stuff lines starting with "." and terminate with CRLF.CRLF.
    const text = data.toString("latin1").replace(/\r?\n/g, "\r\n").replace(/^\./gm, "..");
    socket.write(Buffer.from(text + (text.endsWith("\r\n") ? "" : "\r\n") + ".\r\n", "latin1"));
  };
  const release = () => {
    if (!address) return;
    const key = `pop|${address}`;
    store.connections.set(key, Math.max(0, (store.connections.get(key) ?? 1) - 1));
    address = "";
  };
  socket.on("close", release);
  socket.on("error", release);

  const finishAuth = async (b64: string) => {
    const xo = decodeXoauth2(b64);
    const access = xo ? await checkMailAccess(ctx, xo, "pop") : undefined;
    if (!access || access.result !== "ok") return send(AUTH_FAIL);
    const key = `pop|${access.owner.address}`;
    if ((store.connections.get(key) ?? 0) >= store.connectionLimit) return send(POP_TEXT.tooManyConnections);
    store.connections.set(key, (store.connections.get(key) ?? 0) + 1);
    address = access.owner.address;
    box = store.mailbox(address);
    inbox = box.folder("inbox")!;
    msgs = [...inbox.messages];
    state = "trans";
    expiresAtMs = access.claims.exp * 1000;
    send(POP_TEXT.authOk);
  };
  const msgArg = (arg: string | undefined) => {
    const n = Number(arg);
    if (!Number.isInteger(n) || n < 1 || n > msgs.length || deleted.has(n)) return undefined;
    return msgs[n - 1];
  };

  const handle = async (line: string) => {
    if (closed) return;
    if (pendingAuth) {
      pendingAuth = false;
      if (line === "*") return send(POP_TEXT.notValidInState);
      return finishAuth(line);
    }
    const [cmdRaw, ...args] = line.split(" ");
    const cmd = cmdRaw.toUpperCase();
    // The session ends with the token it signed in with (nothing committed: no UPDATE state).
    if (state === "trans" && ctx.now().getTime() >= expiresAtMs) return closeWith(POP_TEXT.tokenExpired);
    if (!KNOWN.has(cmd)) return send(POP_TEXT.unknownCommand);
    if (cmd === "QUIT") {
      if (state === "trans" && deleted.size && box && inbox)
        box.expunge(
          inbox,
          [...deleted].map((n) => msgs[n - 1].uid),
        );
      return closeWith(POP_TEXT.signOff);
    }
    if (cmd === "CAPA") {
      send("+OK");
      for (const c of ["TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER", "."]) send(c);
      return;
    }
    if (cmd === "NOOP") return send("+OK");
    if (state === "auth") {
      if (cmd === "USER") return send("+OK");
      if (cmd === "PASS") return send(POP_TEXT.logonFail); // basic authentication is disabled
      if (cmd === "AUTH") {
        // Only the two-step form: an initial response on the AUTH line is refused, connection closed.
        if (args.length > 1) return closeWith(POP_TEXT.oneLineAuth);
        if ((args[0] ?? "").toUpperCase() !== "XOAUTH2") return send(AUTH_FAIL);
        pendingAuth = true;
        return send(POP_TEXT.continuation);
      }
      return send(POP_TEXT.notValidInState);
    }
    const live = () => msgs.map((m, i) => [i + 1, m] as const).filter(([n]) => !deleted.has(n));
    switch (cmd) {
      case "STAT": {
        const l = live();
        return send(`+OK ${l.length} ${l.reduce((s, [, m]) => s + m.size, 0)}`);
      }
      case "LIST":
      case "UIDL": {
        const val = (n: number, m: StoredMessage) => (cmd === "LIST" ? String(m.size) : m.id);
        if (args[0]) {
          const m = msgArg(args[0]);
          return send(m ? `+OK ${args[0]} ${val(Number(args[0]), m)}` : POP_TEXT.outOfRange);
        }
        send("+OK");
        for (const [n, m] of live()) send(`${n} ${val(n, m)}`);
        return send(".");
      }
      case "RETR":
      case "TOP": {
        const m = msgArg(args[0]);
        if (!m) return send(POP_TEXT.outOfRange);
        const raw = box!.readRaw(m);
        send(`+OK`);
        if (cmd === "RETR") return sendData(raw);
        const lines = Math.max(0, Number(args[1] ?? 0));
        const he = headerEnd(raw);
        const body = raw.subarray(he).toString("latin1").split(/\r?\n/).slice(0, lines).join("\r\n");
        return sendData(Buffer.concat([raw.subarray(0, he), Buffer.from(body, "latin1")]));
      }
      case "DELE": {
        const m = msgArg(args[0]);
        if (!m) return send(POP_TEXT.outOfRange);
        deleted.add(Number(args[0]));
        return send("+OK");
      }
      case "RSET":
        deleted.clear();
        return send("+OK");
    }
    send(POP_TEXT.notValidInState); // USER, PASS, AUTH, APOP, STLS once signed in
  };

  let chain: Promise<unknown> = Promise.resolve();
  socket.on("data", (d: Buffer) => {
    buf += d.toString("latin1");
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, "");
      buf = buf.slice(i + 1);
      chain = chain.then(() => handle(line)).catch((e) => ctx.log("pop command failed", { error: (e as Error).message }));
    }
  });
  send(POP_TEXT.greeting);
}

export async function startPopServer(ctx: SandboxContext, store: MailStore, port: number) {
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: ctx.tls.key, cert: ctx.tls.cert, minVersion: "TLSv1.2" }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    popSession(ctx, store, socket);
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const real = (server.address() as AddressInfo).port;
  return {
    port: real,
    url: `pops://${ctx.hostname}:${real}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
