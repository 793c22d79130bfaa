// What every `npm run bench` scenario shares: the sandbox in its own process (optionally behind a
// latency proxy), a fresh embedded PostgreSQL with the migrations applied and Consentry's env
// pointed at both, the sandbox's admin API, and the `RESULT {json}` line scripts/bench.ts collects.
// A scenario is a script run with `tsx --conditions=react-server`, NODE_EXTRA_CA_CERTS set to the
// test CA (scripts/bench.ts does both).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { createInterface } from "node:readline";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrate } from "../../lib/db/migrate";
import { resetEnvCache } from "../../lib/env";
import { loadOrCreateTls } from "../../sandbox/tls/tls";
import type { TPorts } from "../../sandbox/server";

export const TEST_CA_DIR = path.resolve(".data/test-ca");
export const quick = process.argv.includes("--quick");
/** Positional arguments after the script (counts a caller overrides). */
export const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));

export type TBenchSandbox = {
  ports: TPorts;
  urls: Record<string, string>;
  rttMs: number;
  admin(method: string, p: string, body?: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
};

const ca = () => readFileSync(loadOrCreateTls(path.join(TEST_CA_DIR, "probe"), TEST_CA_DIR).caPath);

/** The seeded sandbox in a child process; `rttMs` puts a latency proxy in front of every port. */
export async function childSandbox(opts: { rttMs?: number } = {}): Promise<TBenchSandbox> {
  const proc = spawn(
    path.resolve("node_modules/.bin/tsx"),
    ["scripts/bench/sandbox-process.ts", ...(opts.rttMs ? ["--rtt", String(opts.rttMs)] : [])],
    { stdio: ["pipe", "pipe", "inherit"], env: process.env },
  );
  const ready = await new Promise<{ ports: TPorts; urls: Record<string, string>; rttMs: number; direct?: TPorts }>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on("line", (l) => {
      if (l.startsWith("READY ")) resolve(JSON.parse(l.slice(6)));
    });
    proc.on("exit", (code) => reject(new Error(`sandbox exited (${code}) before it was ready`)));
  });
  const caPem = ca();
  const admin = (method: string, p: string, body?: unknown) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          // Setup isn't what's measured: the admin API is reached without the latency proxy.
          port: ready.direct?.identity ?? ready.ports.identity,
          path: p,
          method,
          ca: caPem,
          servername: "localhost",
          headers: { "content-type": "application/json" },
        },
        (r) => {
          const c: Buffer[] = [];
          r.on("data", (d) => c.push(d));
          // A reset mid-answer (ECONNRESET under load) fails this call, not the process.
          r.on("error", reject);
          r.on("end", () => {
            const text = Buffer.concat(c).toString();
            try {
              resolve({ status: r.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  return {
    ...ready,
    admin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.stdin!.end();
      }),
  };
}

/** A fresh embedded PostgreSQL, migrated, with DATABASE_URL and an encryption key set for
 *  Consentry's code (import lib/ modules dynamically after this). Removed by `stop`. */
export async function benchDatabase(name: string) {
  // Under .data (not /tmp): run as root, PostgreSQL's own user must be able to reach its directory.
  mkdirSync(path.resolve(".data/bench"), { recursive: true });
  const dir = mkdtempSync(path.resolve(`.data/bench/${name}-`));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: 54000 + Math.floor(Math.random() * 900), fresh: true });
  await migrate(pg.url);
  process.env.DATABASE_URL = pg.url;
  process.env.CONSENTRY_ENCRYPTION_KEY ??= `bench:${randomBytes(32).toString("base64")}`;
  resetEnvCache();
  return {
    url: pg.url,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The scenario's figures, as one `RESULT {json}` line (flat keys for bench/results.json). */
export function report(figures: Record<string, number | string | boolean>) {
  console.log(`RESULT ${JSON.stringify(figures)}`);
}

/** p-th percentile (0–100) of some samples. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
