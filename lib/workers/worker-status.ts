import "server-only";
import { db } from "../db/client";

/** A worker counts as alive while its heartbeat is younger than three beats. */
export async function workerStatus(staleAfterMs = 30_000) {
  const rows = await db().workerHeartbeat.findMany({
    where: { status: "running" },
    orderBy: { lastBeatAt: "desc" },
    select: { lastBeatAt: true },
  });
  const alive = rows.filter((r) => Date.now() - r.lastBeatAt.getTime() < staleAfterMs).length;
  return { alive, lastBeatAt: rows[0]?.lastBeatAt ?? null };
}
