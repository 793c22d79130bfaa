// REST API: one mailbox.
import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { ZId } from "@/lib/http/route";
import { apiGetMailbox } from "@/lib/api-v1/api-v1";

export const GET = apiRoute({ needs: "read", params: z.object({ mailboxId: ZId }) }, async ({ api, params }) => ({
  mailbox: await apiGetMailbox(api, params.mailboxId),
}));
