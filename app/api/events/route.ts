// The event log: filtered by minimum level, tenant, mailbox, code and text, paged by cursor.
import { route } from "@/lib/http/route";
import { listEvents, ZEventQuery } from "@/lib/events/list-events";

export const GET = route({ query: ZEventQuery }, async ({ scope, query }) => listEvents(scope, query));
