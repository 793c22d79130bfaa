// REST API: the mail the worker pulled, oldest first after a cursor (poll with nextCursor).
import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { ZId } from "@/lib/http/route";
import { apiListMessages, ZMessageListQuery } from "@/lib/api-v1/api-v1";

export const GET = apiRoute(
  { needs: "read", params: z.object({ mailboxId: ZId }), query: ZMessageListQuery },
  async ({ api, params, query }) => apiListMessages(api, params.mailboxId, query),
);
