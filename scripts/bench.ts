// `npm run bench`: the sandbox mail benchmark (bulk-load 100,000 × 4 KB, then a full UID FETCH
// over TLS), each reported against a baseline measured in the same run on the same machine:
// writing the same bytes to disk, and pushing the same bytes through a raw loopback TLS socket.
// Then each of Consentry's scenarios (SCENARIOS below, one script each under scripts/bench/, each
// in its own process printing a `RESULT {json}` line). Writes the figures to bench/results.json
// (flat keys, merged into what the file already holds). `--quick`: smaller versions of each, the
// whole run in under 3 minutes. `--only name,name`: just those scenarios.
//   npm run bench [-- --quick] [-- --only imap-ingest]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { loadOrCreateTls } from "../sandbox/tls/tls";

const quick = process.argv.includes("--quick");
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(",") : null;
const count = quick ? 20_000 : 100_000;
const size = 4096;
const bytes = count * size;

// Consentry's scenarios: each a script under scripts/bench/ (see scripts/bench/harness.ts).
const SCENARIOS = ["imap-ingest", "graph-ingest", "first-sync", "failover", "push-latency", "live-push", "refresh-storm", "mailboxes-api"];

function diskBaseline(): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-"));
  const chunk = Buffer.alloc(size, 97);
  const t = performance.now();
  const bufs: Buffer[] = [];
  for (let i = 0; i < count; i++) bufs.push(chunk);
  writeFileSync(path.join(dir, "blob"), Buffer.concat(bufs));
  const ms = performance.now() - t;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function tlsBaseline(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-tls-"));
  const m = loadOrCreateTls(dir);
  const server = tls.createServer({ key: m.key, cert: m.cert }, (sock) => {
    const chunk = Buffer.alloc(64 * 1024, 98);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!sock.write(chunk)) return void sock.once("drain", pump);
      }
      sock.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const t = performance.now();
  await new Promise<void>((resolve, reject) => {
    const c = tls.connect({ port, host: "127.0.0.1", servername: "localhost", ca: m.ca }, () => undefined);
    c.on("data", () => undefined);
    c.on("end", () => resolve());
    c.on("error", reject);
  });
  const ms = performance.now() - t;
  server.close();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

const figures: Record<string, unknown> = {};
let failed = false;
if (!only || only.includes("sandbox-mail")) {
  const disk = diskBaseline();
  const raw = await tlsBaseline();
  const run = spawnSync(path.resolve("node_modules/.bin/tsx"), ["sandbox/mail/bench/bulk-fetch.ts", String(count), String(size)], {
    encoding: "utf8",
  });
  process.stdout.write(run.stdout);
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    process.exit(1);
  }
  const loadS = Number(run.stdout.match(/bulk-load: .* in ([\d.]+) s/)?.[1]);
  const fetchS = Number(run.stdout.match(/UID FETCH .* in ([\d.]+) s/)?.[1]);
  console.log(
    `\nbaseline disk write of ${(bytes / 1e6).toFixed(0)} MB: ${(disk / 1000).toFixed(2)} s; raw loopback TLS transfer: ${(raw / 1000).toFixed(2)} s`,
  );
  console.log(`bulk-load  ${loadS.toFixed(2)} s = ${(loadS / (disk / 1000)).toFixed(1)}× the disk baseline (target: under 60 s)`);
  console.log(`full fetch ${fetchS.toFixed(2)} s = ${(fetchS / (raw / 1000)).toFixed(1)}× the raw TLS baseline`);
  Object.assign(figures, {
    sandbox_bulk_load_s: loadS,
    sandbox_bulk_load_disk_ratio: Number((loadS / (disk / 1000)).toFixed(2)),
    sandbox_fetch_tls_ratio: Number((fetchS / (raw / 1000)).toFixed(2)),
  });
  failed ||= !(loadS < 60);
}

// Consentry's scenarios, each in its own process, trusting the test CA the sandbox's certificates chain to.
const caDir = path.resolve(".data/test-ca");
const ca = loadOrCreateTls(path.join(caDir, "probe"), caDir);
for (const name of SCENARIOS.filter((n) => !only || only.includes(n))) {
  console.log(`\n== ${name}`);
  const t = performance.now();
  const r = spawnSync(
    path.resolve("node_modules/.bin/tsx"),
    ["--conditions=react-server", `scripts/bench/${name}.ts`, ...(quick ? ["--quick"] : [])],
    { encoding: "utf8", env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.caPath }, maxBuffer: 64 * 1024 * 1024 },
  );
  process.stdout.write(r.stdout.replace(/^RESULT .*\n?/gm, ""));
  const result = r.stdout.match(/^RESULT (.*)$/m)?.[1];
  if (r.status !== 0 || !result) {
    process.stderr.write(r.stderr);
    console.log(`${name}: FAILED (exit ${r.status})`);
    failed = true;
  } else Object.assign(figures, JSON.parse(result) as Record<string, unknown>);
  console.log(`(${name}: ${((performance.now() - t) / 1000).toFixed(0)} s)`);
}

// bench/results.json: flat keys, this run's figures over whatever the file already held.
const resultsPath = path.resolve("bench/results.json");
const previous = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, "utf8")) as Record<string, unknown>) : {};
const results = { ...previous, quick, ...figures, measured_at: new Date().toISOString() };
mkdirSync(path.dirname(resultsPath), { recursive: true });
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), resultsPath)}`);
console.table(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, { value: v }])));
process.exit(failed ? 1 : 0);
