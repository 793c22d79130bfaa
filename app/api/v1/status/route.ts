// REST API monitoring endpoint for RMM and uptime tools: ok / warning / critical with the reasons.
// ?strict=1 answers 503 when critical, for monitors that only look at the status code.
import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { apiStatus } from "@/lib/api-v1/api-v1";

export const GET = apiRoute({ needs: "read", query: z.object({ strict: z.enum(["0", "1"]).optional() }) }, async ({ api, query }) => {
  const s = await apiStatus(api);
  return NextResponse.json(s, { status: query.strict === "1" && s.status === "critical" ? 503 : 200 });
});
