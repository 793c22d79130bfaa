// A TCP proxy that adds a round-trip time between a client and a server on loopback (half each
// way), for measuring Consentry at internet latency against the sandbox. Chunks keep their order
// (equal delays fire in order); TLS passes through untouched, so certificates still name the host.
import net from "node:net";

export type TLatencyProxy = { port: number; close(): Promise<void> };

export async function latencyProxy(target: { host: string; port: number }, rttMs: number): Promise<TLatencyProxy> {
  const oneWay = rttMs / 2;
  const sockets = new Set<net.Socket>();
  const later = (to: net.Socket, chunk: Buffer) =>
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, oneWay);
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on("data", (c) => later(upstream, c));
    upstream.on("data", (c) => later(client, c));
    const end = (s: net.Socket) => setTimeout(() => s.end(), oneWay);
    client.on("end", () => end(upstream));
    upstream.on("end", () => end(client));
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", () => setTimeout(drop, oneWay));
    upstream.on("error", drop).on("close", () => setTimeout(drop, oneWay));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
