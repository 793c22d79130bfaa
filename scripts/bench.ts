// `npm run bench`: the sandbox mail benchmark (bulk-load 100,000 × 4 KB, then a full UID FETCH
// over TLS), each reported against a baseline measured in the same run on the same machine:
// writing the same bytes to disk, and pushing the same bytes through a raw loopback TLS socket.
// Then Consentry's IMAP ingest of 10,000 messages into PostgreSQL against a bare imapflow fetch of
// them (scripts/bench-sync.ts). Writes the figures to bench/results.json (flat keys, merged into
// what the file already holds). `--quick`: smaller counts (20,000 and 2,000), in well under 3 minutes.
//   npm run bench [-- --quick] [-- count size ingestCount]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { loadOrCreateTls } from "../sandbox/tls/tls";

const quick = process.argv.includes("--quick");
const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const count = Number(args[0] ?? (quick ? 20_000 : 100_000));
const size = Number(args[1] ?? 4096);
const ingestCount = args[2] ?? (quick ? "2000" : "10000");
const bytes = count * size;

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

// Consentry's sync into PostgreSQL, against the bare IMAP fetch (see scripts/bench-sync.ts).
const caDir = path.resolve(".data/test-ca");
const ca = loadOrCreateTls(path.join(caDir, "probe"), caDir);
const sync = spawnSync(
  path.resolve("node_modules/.bin/tsx"),
  ["--conditions=react-server", "scripts/bench-sync.ts", ingestCount, String(size)],
  { encoding: "utf8", env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.caPath } },
);
process.stdout.write(sync.stdout.replace(/^RESULT .*\n?/m, ""));
if (sync.status !== 0) process.stderr.write(sync.stderr);

// bench/results.json: flat keys, this run's figures over whatever the file already held.
const resultsPath = path.resolve("bench/results.json");
const previous = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, "utf8")) as Record<string, unknown>) : {};
const ingest = sync.stdout.match(/^RESULT (.*)$/m)?.[1];
const results = {
  ...previous,
  quick,
  sandbox_bulk_load_s: loadS,
  sandbox_bulk_load_disk_ratio: Number((loadS / (disk / 1000)).toFixed(2)),
  sandbox_fetch_tls_ratio: Number((fetchS / (raw / 1000)).toFixed(2)),
  ...(ingest ? (JSON.parse(ingest) as Record<string, unknown>) : {}),
  measured_at: new Date().toISOString(),
};
mkdirSync(path.dirname(resultsPath), { recursive: true });
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), resultsPath)}`);
process.exit(loadS < 60 && sync.status === 0 ? 0 : 1);
