// REST API: the mailboxes this key may see, with state and diagnosis; paged when `limit` is given.
import { apiRoute } from "@/lib/http/api-route";
import { apiListMailboxes, ZMailboxListQuery } from "@/lib/api-v1/api-v1";

export const GET = apiRoute({ needs: "read", query: ZMailboxListQuery }, async ({ api, query }) => apiListMailboxes(api, query));
