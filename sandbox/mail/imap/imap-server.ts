// IMAP over implicit TLS, like outlook.office365.com:993.
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import type { SandboxContext } from "../../contracts";
import type { MailStore } from "../store/mail-store";
import { ImapSession } from "./imap-session";

export async function startImapServer(ctx: SandboxContext, store: MailStore, port: number) {
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: ctx.tls.key, cert: ctx.tls.cert, minVersion: "TLSv1.2" }, (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setNoDelay(true);
    new ImapSession(ctx, store, socket).greet();
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const real = (server.address() as AddressInfo).port;
  return {
    port: real,
    url: `imaps://${ctx.hostname}:${real}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
