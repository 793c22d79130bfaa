// JSON health for monitors (RMM, uptime tools): no tenant data, only whether the service works.
import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { workerStatus } from "@/lib/workers/worker-status";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await db().$queryRaw`SELECT 1`;
    const workers = await workerStatus();
    const status = workers.alive > 0 ? "ok" : "degraded";
    return NextResponse.json({ status, database: "ok", workers }, { status: 200 });
  } catch {
    return NextResponse.json({ status: "down", database: "unreachable" }, { status: 503 });
  }
}
