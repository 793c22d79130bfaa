// REST API: one pulled message's summary.
import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { ZId } from "@/lib/http/route";
import { apiGetMessage } from "@/lib/api-v1/api-v1";

export const GET = apiRoute({ needs: "read", params: z.object({ messageId: ZId }) }, async ({ api, params }) => ({
  message: await apiGetMessage(api, params.messageId),
}));
