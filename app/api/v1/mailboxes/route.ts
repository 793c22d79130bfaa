// REST API: the mailboxes this key may see, with state and diagnosis.
import { apiRoute } from "@/lib/http/api-route";
import { apiListMailboxes, ZMailboxListQuery } from "@/lib/api-v1/api-v1";

export const GET = apiRoute({ needs: "read", query: ZMailboxListQuery }, async ({ api, query }) => ({
  mailboxes: await apiListMailboxes(api, query),
}));
