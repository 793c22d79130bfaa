// The mail worker process. For now: a heartbeat row so the dashboard and /api/health can tell
// whether a worker runs. Sync, send and refresh loops hook in here.
import os from "node:os";
import { randomBytes } from "node:crypto";
import { db } from "../lib/db/client";
import { env } from "../lib/env";

const workerId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
const version = process.env.npm_package_version ?? "dev";
let stopping = false;

async function beat(status = "running") {
  await db().workerHeartbeat.upsert({
    where: { id: workerId },
    create: { id: workerId, hostname: os.hostname(), pid: process.pid, version, status },
    update: { lastBeatAt: new Date(), status },
  });
}

async function main() {
  await beat();
  console.log(`[worker] ${workerId} started; heartbeat every ${env().WORKER_HEARTBEAT_SECONDS}s`);
  // Old rows of dead workers are pruned so the table doesn't grow with every restart.
  await db().workerHeartbeat.deleteMany({ where: { lastBeatAt: { lt: new Date(Date.now() - 24 * 3600_000) } } });
  const timer = setInterval(() => {
    if (!stopping) beat().catch((e) => console.error(`[worker] heartbeat failed: ${(e as Error).message}`));
  }, env().WORKER_HEARTBEAT_SECONDS * 1000);
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    console.log(`[worker] ${signal}: draining and stopping`);
    await beat("stopped").catch(() => undefined);
    await db().$disconnect().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

// An unhandled rejection means unknown state: die and let the supervisor restart us.
process.on("unhandledRejection", (err) => {
  console.error("[worker] unhandled rejection, exiting:", err instanceof Error ? err.message : err);
  process.exit(1);
});

void main().catch((err) => {
  console.error("[worker] failed to start:", (err as Error).message);
  process.exit(1);
});
