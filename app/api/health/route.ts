// JSON health for monitors (RMM, uptime tools): no tenant data, only whether the service works.
import { NextResponse } from "next/server";
import { serviceHealth } from "@/lib/health/service-health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await serviceHealth();
  return NextResponse.json(health, { status: health.status === "down" ? 503 : 200 });
}
