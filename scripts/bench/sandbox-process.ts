// The sandbox for `npm run bench`, in its own process (so its CPU isn't counted against, or shared
// with, the client being measured): starts a seeded sandbox on random ports signed by the test CA,
// prints one `READY {json}` line with its ports and URLs, and stops when its stdin closes.
// `--rtt N`: every port is reached through a latency proxy adding N ms of round trip
// (scripts/bench/latency-proxy.ts), and the sandbox names the proxies' ports in what it hands out.
//   tsx scripts/bench/sandbox-process.ts [--rtt 50]
import { latencyProxy, type TLatencyProxy } from "./latency-proxy";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import type { TPorts } from "../../sandbox/server";

const rttArg = process.argv.indexOf("--rtt");
const rtt = rttArg > 0 ? Number(process.argv[rttArg + 1]) : 0;
const names = ["identity", "graph", "imap", "pop", "smtp"] as const;

let proxies: TLatencyProxy[] = [];
let advertised: TPorts | undefined;
// Proxies first (their targets filled in once the sandbox listens), so the sandbox can name them.
const targets = Object.fromEntries(names.map((n) => [n, { host: "127.0.0.1", port: 0 }])) as Record<
  keyof TPorts,
  { host: string; port: number }
>;
if (rtt > 0) {
  proxies = await Promise.all(names.map((n) => latencyProxy(targets[n], rtt)));
  advertised = Object.fromEntries(names.map((n, i) => [n, proxies[i].port])) as TPorts;
}
const sb = await startTestSandbox({ advertisedPorts: advertised });
for (const n of names) targets[n].port = sb.ports[n];
const ports = advertised ?? sb.ports;
const urls = Object.fromEntries(
  Object.entries(sb.urls).map(([k, u]) => [k, names.reduce((s, n) => s.replace(`:${sb.ports[n]}`, `:${ports[n]}`), u)]),
);
// `direct`: the sandbox's own ports, for the bench's setup through the admin API (no added latency).
process.stdout.write(`READY ${JSON.stringify({ ports, urls, rttMs: rtt, direct: sb.ports })}\n`);
const stop = () =>
  void Promise.all(proxies.map((p) => p.close()))
    .then(() => sb.stop())
    .finally(() => process.exit(0));
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.on("SIGTERM", stop);
process.stdin.resume();
