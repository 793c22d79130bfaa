// The mail worker process: a heartbeat row (so the dashboard and /api/health know it runs), mail
// sync of every connected mailbox (shared with other workers by leases), proactive token refresh,
// secret-expiry warnings, sending from the outbound queue, webhook deliveries and staff alerts.
import os from "node:os";
import { randomBytes } from "node:crypto";
import { env } from "../lib/env";
import { beat as writeBeat, disconnectDatabase, pruneDeadWorkers, workerIdentity } from "../lib/workers/worker-heartbeat";
import { checkSecretExpiry } from "../lib/apps/secret-expiry-check";
import { refreshStaleGrants } from "../lib/grants/proactive-refresh";
import { microsoftRefresher } from "../lib/grants/microsoft-refresher";
import { SyncScheduler } from "../lib/sync/scheduler";
import { deadAfterMs } from "../lib/sync/claim";
import { expireStaleOutbound, sendDueOutbound } from "../lib/outbound/send-loop";
import { deliverDueWebhooks } from "../lib/webhooks/dispatch";
import { sendMailboxAlerts } from "../lib/notify/alerts";
import { pruneLogs, purgeExpiredMessages } from "../lib/retention/retention";
import { ensureGraphSubscriptions } from "../lib/sync/graph-push";
import { IdleWatcher } from "../lib/sync/imap-idle";
import { listenDue } from "../lib/sync/wakeups";
import { log as rootLog, type TLogFields } from "../lib/log/logger";

const HOUSEKEEPING_MS = 10 * 60_000;
const SEND_TICK_MS = 1_000;

const workerId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
let stopping = false;
// JSON lines at LOG_LEVEL and above, each with this worker's id (lib/log/logger.ts).
const log = rootLog.child({ worker: workerId });

const beat = (status = "running") => writeBeat(workerIdentity(workerId), status);

async function main() {
  await beat();
  log.info(`worker started; heartbeat every ${env().WORKER_HEARTBEAT_SECONDS}s`);
  await pruneDeadWorkers();
  const timer = setInterval(() => {
    if (!stopping) beat().catch((err) => log.error("heartbeat failed", { err }));
  }, env().WORKER_HEARTBEAT_SECONDS * 1000);
  // Both jobs are idempotent and safe with several workers; each mailbox's failure stays its own.
  const housekeeping = async () => {
    if (stopping) return;
    try {
      const warned = await checkSecretExpiry();
      const r = await refreshStaleGrants({ refresher: microsoftRefresher });
      const expired = await expireStaleOutbound();
      const purged = await purgeExpiredMessages();
      await pruneLogs();
      if (purged) log.info(`retention: emptied the raw MIME of ${purged} messages`, { purged });
      for (const f of r.failed) log.warn(`proactive refresh failed: ${f.code}`, { mailboxId: f.mailboxId, code: f.code });
      if (warned || r.refreshed || r.failed.length || expired)
        log.info(
          `housekeeping: ${warned} secret warnings, ${r.refreshed} grants refreshed, ${r.failed.length} failed, ${expired} outbound expired`,
        );
    } catch (err) {
      log.error("housekeeping failed", { err });
    }
  };
  void housekeeping();
  const hk = setInterval(() => void housekeeping(), HOUSEKEEPING_MS);
  // Each job claims what's due, works it, and comes straight back while there's more; each on its
  // own loop so a long sync never delays outgoing mail or webhooks.
  const line = (l: string, fields?: TLogFields) => log.info(l, fields);
  const loop = async (name: string, round: () => Promise<number>, idleMs: number) => {
    while (!stopping) {
      let n = 0;
      try {
        n = await round();
      } catch (e) {
        log.error(`${name} round failed`, { err: e });
      }
      if (n === 0) await new Promise((r) => setTimeout(r, idleMs));
    }
  };
  const concurrency = env().WORKER_CONCURRENCY;
  // Mail sync: a continuous pool (lib/sync/scheduler.ts); it also frees dead workers' leases each beat.
  const jobs = Math.min(concurrency, 8); // sends and webhook deliveries, as before sync concurrency grew
  const beatMs = env().WORKER_HEARTBEAT_SECONDS * 1000;
  const sync = new SyncScheduler(workerId, { concurrency, log: line, reapEveryMs: beatMs, deadAfterMs: deadAfterMs(beatMs / 1000) });
  // Push starts the sync: new mail seen by this worker's IDLE sessions wakes the scheduler for that
  // mailbox directly; mail pushed to another process (another worker's IDLE, a Graph notification
  // to the web app) arrives through LISTEN/NOTIFY. Either way the mailbox is already due.
  const mailboxDue = (mailboxId: string) => sync.wake(mailboxId);
  const unlisten = await listenDue(mailboxDue, {
    onReconnect: () => sync.wake(),
    onDrop: (err) => log.warn("push wake-up listener dropped; reconnecting", { err: err ?? undefined }),
  });
  const watcher = new IdleWatcher(workerId, env().WORKER_IDLE_SLOTS, line, undefined, { onNewMail: mailboxDue });
  const loops = [
    sync.start(),
    loop("send", () => sendDueOutbound(workerId, { concurrency: jobs, log: line }), SEND_TICK_MS),
    loop("webhook", () => deliverDueWebhooks(workerId, { concurrency: jobs, log: line }), SEND_TICK_MS),
    loop("alerts", () => sendMailboxAlerts(), 5_000),
    loop("graph-push", () => ensureGraphSubscriptions(), 15_000),
    loop("imap-idle", () => watcher.tick(), 10_000),
  ];
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    clearInterval(hk);
    log.info(`${signal}: draining and stopping`);
    // Let running syncs finish their batch and release their leases (bounded).
    await watcher.stop().catch(() => undefined);
    await unlisten().catch(() => undefined);
    await Promise.race([Promise.all([...loops, sync.stop()]), new Promise((r) => setTimeout(r, 20_000))]);
    await beat("stopped").catch(() => undefined);
    await disconnectDatabase().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

// An unhandled rejection means unknown state: die and let the supervisor restart us.
process.on("unhandledRejection", (err) => {
  log.error("unhandled rejection, exiting", { err: err instanceof Error ? err : String(err) });
  process.exit(1);
});

void main().catch((err) => {
  log.error("failed to start", { err });
  process.exit(1);
});
