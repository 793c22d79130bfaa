import "server-only";
// A worker's heartbeat row (so the dashboard and /api/health know it runs) and the database
// handle it lets go of on shutdown; moved from workers/main.ts, which only wires jobs together.
import os from "node:os";
import { db } from "../db/client";
import { env } from "../env";

export type TWorkerIdentity = { id: string; hostname: string; pid: number; version: string };

export function workerIdentity(id: string): TWorkerIdentity {
  return { id, hostname: os.hostname(), pid: process.pid, version: env().npm_package_version };
}

export async function beat(w: TWorkerIdentity, status = "running") {
  await db().workerHeartbeat.upsert({
    where: { id: w.id },
    create: { id: w.id, hostname: w.hostname, pid: w.pid, version: w.version, status },
    update: { lastBeatAt: new Date(), status },
  });
}

/** Old rows of dead workers are pruned so the table doesn't grow with every restart. */
export async function pruneDeadWorkers(olderThanMs = 24 * 3600_000) {
  await db().workerHeartbeat.deleteMany({ where: { lastBeatAt: { lt: new Date(Date.now() - olderThanMs) } } });
}

export async function disconnectDatabase() {
  await db().$disconnect();
}
