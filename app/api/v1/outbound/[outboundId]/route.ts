// REST API: where a queued message stands (queued, sending, sent, failed with its diagnosis).
import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { ZId } from "@/lib/http/route";
import { notFound } from "@/lib/core/errors";
import { getOutbound } from "@/lib/outbound/queue";

export const GET = apiRoute({ needs: "read", params: z.object({ outboundId: ZId }) }, async ({ api, params }) => {
  const m = await getOutbound(api, params.outboundId);
  if (!m) throw notFound("Message");
  return { message: m };
});
