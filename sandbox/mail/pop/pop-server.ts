// POP3 over implicit TLS, like outlook.office365.com:995 (texts from MICROSOFT.md §2.2).
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import type { SandboxContext } from "../../contracts";
import { checkMailAccess, decodeXoauth2 } from "../access";
import type { MailStore } from "../store/mail-store";
import type { Folder, MailboxStore, StoredMessage } from "../store/mailbox-store";
import { headerEnd } from "../store/mime-headers";

const AUTH_FAIL = "-ERR Authentication failure: unknown user name or bad password.";

function popSession(ctx: SandboxContext, store: MailStore, socket: tls.TLSSocket) {
  let buf = "";
  let state: "auth" | "trans" = "auth";
  let pendingAuth = false;
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
    if ((store.connections.get(key) ?? 0) >= store.connectionLimit) return send("-ERR Server Unavailable. 21");
    store.connections.set(key, (store.connections.get(key) ?? 0) + 1);
    address = access.owner.address;
    box = store.mailbox(address);
    inbox = box.folder("inbox")!;
    msgs = [...inbox.messages];
    state = "trans";
    send("+OK User successfully authenticated.");
  };
  const msgArg = (arg: string | undefined) => {
    const n = Number(arg);
    if (!Number.isInteger(n) || n < 1 || n > msgs.length || deleted.has(n)) return undefined;
    return msgs[n - 1];
  };

  const handle = async (line: string) => {
    if (pendingAuth) {
      pendingAuth = false;
      if (line === "*") return send("-ERR Command is not valid in this state.");
      return finishAuth(line);
    }
    const [cmdRaw, ...args] = line.split(" ");
    const cmd = cmdRaw.toUpperCase();
    if (cmd === "QUIT") {
      if (state === "trans" && deleted.size && box && inbox)
        box.expunge(
          inbox,
          [...deleted].map((n) => msgs[n - 1].uid),
        );
      send("+OK Microsoft Exchange Server POP3 server signing off.");
      socket.end();
      return;
    }
    if (cmd === "CAPA") {
      send("+OK");
      for (const c of ["TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER", "."]) send(c);
      return;
    }
    if (cmd === "NOOP") return send("+OK");
    if (state === "auth") {
      if (cmd === "USER") return send("+OK");
      if (cmd === "PASS") return send(AUTH_FAIL); // basic authentication is disabled
      if (cmd === "AUTH") {
        if ((args[0] ?? "").toUpperCase() !== "XOAUTH2") return send(AUTH_FAIL);
        if (args[1]) return finishAuth(args[1]);
        pendingAuth = true;
        return send("+ ");
      }
      return send("-ERR Command is not valid in this state.");
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
          return send(m ? `+OK ${args[0]} ${val(Number(args[0]), m)}` : "-ERR The specified message is out of range.");
        }
        send("+OK");
        for (const [n, m] of live()) send(`${n} ${val(n, m)}`);
        return send(".");
      }
      case "RETR":
      case "TOP": {
        const m = msgArg(args[0]);
        if (!m) return send("-ERR The specified message is out of range.");
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
        if (!m) return send("-ERR The specified message is out of range.");
        deleted.add(Number(args[0]));
        return send("+OK");
      }
      case "RSET":
        deleted.clear();
        return send("+OK");
    }
    send("-ERR Protocol error. 14");
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
  send("+OK The Microsoft Exchange POP3 service is ready. [TQBXADIAUABSADEAOQAwADEATQBCADIAMQA1ADUA]");
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
