// Consentry's own sync benchmark (run by `npm run bench`): N messages in a sandbox mailbox are
// synced into PostgreSQL by the worker's code (IMAP, batches, dedupe, webhooks triggers), and the
// time is reported against a baseline measured in the same run: the same IMAP fetch (same fields,
// same batches, one TLS connection) without storing anything.
//   tsx --conditions=react-server scripts/bench-sync.ts [count=10000] [size=4096]
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { ImapFlow } from "imapflow";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { resetEnvCache } from "../lib/env";

const count = Number(process.argv[2] ?? 10_000);
const size = Number(process.argv[3] ?? 4096);
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
  const { startTestSandbox } = await import("../testing/start-test-sandbox");
  const { IMAP_SCOPE, mailboxWithSandboxGrant, useSandboxCloud } = await import("../testing/sandbox-grant");
  const { syncMailbox } = await import("../lib/sync/sync-mailbox");
  const { SEED } = await import("../sandbox/directory/seed");
  const sb = await startTestSandbox();
  useSandboxCloud(sb);
  const F = SEED.fabrikam;
  const user = `helpdesk@${F.domain}`;
  try {
    const load = await sb.admin("POST", `/admin/mail/mailboxes/${user}/bulk-load`, { count, size });
    if (load.status !== 201) throw new Error(`bulk-load failed: ${JSON.stringify(load.body)}`);
    const total = load.body.total as number;

    // Baseline: fetch exactly what the sync fetches, in the same batches, and keep nothing.
    const tok = await sb.admin("POST", "/admin/tokens", { upn: user, clientId: F.clientId, scopes: [IMAP_SCOPE] });
    const client = new ImapFlow({
      host: "localhost",
      port: sb.ports.imap,
      secure: true,
      auth: { user, accessToken: tok.body.access_token },
      logger: false,
    });
    await client.connect();
    let t = performance.now();
    const lock = await client.getMailboxLock("INBOX");
    const found = await client.search({ uid: "1:*" }, { uid: true });
    const uids = (Array.isArray(found) ? found : []).sort((a, b) => a - b);
    let fetched = 0;
    for (let i = 0; i < uids.length; i += 100) {
      for await (const m of client.fetch(
        uids.slice(i, i + 100).join(","),
        { uid: true, source: true, envelope: true, internalDate: true },
        { uid: true },
      ))
        fetched += m.source ? 1 : 0;
    }
    lock.release();
    const baseMs = performance.now() - t;
    await client.logout();

    const m = await mailboxWithSandboxGrant(sb, user, { tenant: F });
    t = performance.now();
    const r = await syncMailbox(m.ctx);
    const syncMs = performance.now() - t;
    const stored = await db().message.count({ where: { mailboxId: m.ctx.mailboxId } });
    if (!r.ok || stored !== total || fetched !== total)
      throw new Error(`sync stored ${stored}, fetched ${fetched}, of ${total}: ${JSON.stringify(r)}`);
    const ratio = syncMs / baseMs;
    console.log(
      `\nsync into PostgreSQL: ${stored} messages of ~${size} B in ${(syncMs / 1000).toFixed(2)} s (${Math.round(stored / (syncMs / 1000))} msg/s)`,
    );
    console.log(`baseline IMAP fetch of the same messages, nothing stored: ${(baseMs / 1000).toFixed(2)} s`);
    console.log(
      `sync = ${ratio.toFixed(2)}× the fetch baseline (storing, dedupe and progress cost ${((ratio - 1) * 100).toFixed(0)}% on top of the transfer)`,
    );
    await db().$disconnect();
  } finally {
    await sb.stop();
  }
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
