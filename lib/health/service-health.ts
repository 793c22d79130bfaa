import "server-only";
// Whether the service works, for monitors (RMM, uptime tools): the database answers and a worker
// is alive. No tenant data. Any failure reads as "down" without details.
import { db } from "../db/client";
import { workerStatus } from "../workers/worker-status";

export async function serviceHealth() {
  try {
    await db().$queryRaw`SELECT 1`;
    const workers = await workerStatus();
    const status = workers.alive > 0 ? "ok" : "degraded";
    return { status, database: "ok", workers } as const;
  } catch {
    return { status: "down", database: "unreachable" } as const;
  }
}
