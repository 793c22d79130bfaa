// The mailboxes the caller may see, for the Health page: one page at a time, filtered and sorted
// in PostgreSQL, with the count per state (lib/mailboxes/mailbox-page.ts).
import { route } from "@/lib/http/route";
import { pageMailboxes, ZMailboxPageQuery } from "@/lib/mailboxes/mailbox-page";

export const GET = route({ query: ZMailboxPageQuery }, async ({ scope, query }) => pageMailboxes(scope, query));
