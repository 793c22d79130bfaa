// Consentry's IMAP ingest benchmark (run by `npm run bench`): N messages of S bytes in a sandbox
// mailbox are synced into PostgreSQL through the worker's real path (claim with a lease, token,
// IMAP reader, batches, dedupe, lease renewal per batch, triggers, release), and the time is
// reported against the baseline a user would pick instead, measured in the same run: a bare
// imapflow `UID FETCH 1:* (UID FLAGS BODY.PEEK[])` of the same folder into memory. The sandbox
// runs in its own process (scripts/bench-sandbox.ts). The baseline runs before and after the sync;
// the faster of the two counts (the stricter comparison on a noisy machine).
//   tsx --conditions=react-server scripts/bench-sync.ts [count=10000] [size=4096]
// Prints a `RESULT {json}` line (flat keys) for scripts/bench.ts.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { createInterface } from "node:readline";
import { ImapFlow } from "imapflow";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { resetEnvCache } from "../lib/env";
import { loadOrCreateTls } from "../sandbox/tls/tls";

const count = Number(process.argv[2] ?? 10_000);
const size = Number(process.argv[3] ?? 4096);
const TEST_CA_DIR = path.resolve(".data/test-ca");

type TChildSandbox = {
  ports: { identity: number; graph: number; imap: number; pop: number; smtp: number };
  urls: Record<string, string>;
  stop(): Promise<void>;
};

async function childSandbox(): Promise<TChildSandbox> {
  const proc = spawn(path.resolve("node_modules/.bin/tsx"), ["scripts/bench-sandbox.ts"], {
    stdio: ["pipe", "pipe", "inherit"],
    env: process.env,
  });
  const ready = await new Promise<Omit<TChildSandbox, "stop">>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on("line", (l) => {
      if (l.startsWith("READY ")) resolve(JSON.parse(l.slice(6)));
    });
    proc.on("exit", (code) => reject(new Error(`sandbox exited (${code}) before it was ready`)));
  });
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.stdin!.end();
      }),
  };
}

// The test CA (made on first use); Consentry's IMAP client trusts it through NODE_EXTRA_CA_CERTS,
// which scripts/bench.ts sets to this same file.
const ca = readFileSync(loadOrCreateTls(path.join(TEST_CA_DIR, "probe"), TEST_CA_DIR).caPath);
const admin = (port: number, method: string, p: string, body?: unknown) =>
  new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = https.request(
      { host: "127.0.0.1", port, path: p, method, ca, servername: "localhost", headers: { "content-type": "application/json" } },
      (r) => {
        const c: Buffer[] = [];
        r.on("data", (d) => c.push(d));
        r.on("end", () => {
          const text = Buffer.concat(c).toString();
          resolve({ status: r.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });

// Under .data (not /tmp): run as root, PostgreSQL's own user must be able to reach its directory.
mkdirSync(path.resolve(".data/bench"), { recursive: true });
const dir = mkdtempSync(path.resolve(".data/bench/sync-"));
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: 54000 + Math.floor(Math.random() * 900), fresh: true });
try {
  await migrate(pg.url);
  process.env.DATABASE_URL = pg.url;
  process.env.CONSENTRY_ENCRYPTION_KEY = `bench:${randomBytes(32).toString("base64")}`;
  resetEnvCache();
  const { db } = await import("../lib/db/client");
  const { IMAP_SCOPE, mailboxWithSandboxGrant, useSandboxCloud } = await import("../testing/sandbox-grant");
  const { syncDueMailboxes } = await import("../lib/sync/sync-loop");
  const { SEED } = await import("../sandbox/directory/seed");
  const child = await childSandbox();
  const sb = Object.assign(child, { admin: (m: string, p: string, b?: unknown) => admin(child.ports.identity, m, p, b) });
  useSandboxCloud(sb as never);
  const F = SEED.fabrikam;
  const user = `helpdesk@${F.domain}`;
  try {
    const load = await sb.admin("POST", `/admin/mail/mailboxes/${user}/bulk-load`, { count, size });
    if (load.status !== 201) throw new Error(`bulk-load failed: ${JSON.stringify(load.body)}`);
    const total = load.body.total as number;

    // Baseline: what a user would write instead: one bare FETCH of the whole folder into memory.
    const bare = async () => {
      const tok = await sb.admin("POST", "/admin/tokens", { upn: user, clientId: F.clientId, scopes: [IMAP_SCOPE] });
      const t = performance.now();
      const client = new ImapFlow({
        host: "localhost",
        port: sb.ports.imap,
        secure: true,
        auth: { user, accessToken: tok.body.access_token },
        logger: false,
      });
      await client.connect();
      await client.mailboxOpen("INBOX", { readOnly: true });
      const kept: Buffer[] = [];
      for await (const m of client.fetch("1:*", { uid: true, flags: true, source: true }, { uid: true })) if (m.source) kept.push(m.source);
      const ms = performance.now() - t;
      await client.logout();
      if (kept.length !== total) throw new Error(`bare fetch got ${kept.length} of ${total}`);
      return ms;
    };
    const base1 = await bare();

    const m = await mailboxWithSandboxGrant(sb as never, user, { tenant: F });
    const t = performance.now();
    const claimed = await syncDueMailboxes("bench-worker", { concurrency: 1, only: [m.ctx.mailboxId] });
    const syncMs = performance.now() - t;
    const stored = await db().message.count({ where: { mailboxId: m.ctx.mailboxId } });
    const state = await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId }, select: { leaseOwner: true } });
    if (claimed !== 1 || stored !== total || state.leaseOwner !== null)
      throw new Error(`claimed ${claimed}, stored ${stored} of ${total}, lease ${state.leaseOwner}`);

    const base2 = await bare();
    const baseMs = Math.min(base1, base2);
    const ratio = baseMs / syncMs;
    const rate = (ms: number) => Math.round(total / (ms / 1000));
    console.log(
      `\nIMAP ingest into PostgreSQL (claim, sync, release): ${stored} messages of ~${size} B in ${(syncMs / 1000).toFixed(2)} s (${rate(syncMs)} msg/s)`,
    );
    console.log(
      `baseline bare imapflow UID FETCH 1:* (UID FLAGS BODY.PEEK[]) into memory: ${(base1 / 1000).toFixed(2)} s before, ${(base2 / 1000).toFixed(2)} s after (${rate(baseMs)} msg/s)`,
    );
    console.log(`IMAP ingest = ${ratio.toFixed(2)}× the bare fetch's speed (goal ≥ 0.7×)`);
    console.log(
      `RESULT ${JSON.stringify({
        imap_ingest_ratio: Number(ratio.toFixed(3)),
        imap_ingest_msgs: stored,
        imap_ingest_msg_per_s: rate(syncMs),
        imap_bare_fetch_msg_per_s: rate(baseMs),
      })}`,
    );
    await db().$disconnect();
  } finally {
    await sb.stop();
  }
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
