// REST API: one pulled message as it arrived (RFC 5322).
import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { ZId } from "@/lib/http/route";
import { apiGetRawMessage } from "@/lib/api-v1/api-v1";

export const GET = apiRoute({ needs: "read", params: z.object({ messageId: ZId }) }, async ({ api, params }) => {
  const raw = await apiGetRawMessage(api, params.messageId);
  return new Response(new Uint8Array(raw), {
    headers: { "content-type": "message/rfc822", "content-length": String(raw.length), "cache-control": "no-store" },
  });
});
