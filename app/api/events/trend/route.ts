// Events per day and level, for the event log's chart.
import { z } from "zod";
import { route } from "@/lib/http/route";
import { eventTrend } from "@/lib/events/list-events";

const ZTrendQuery = z.object({
  tenantId: z.string().uuid().optional(),
  mailboxId: z.string().uuid().optional(),
  days: z.coerce.number().int().min(1).max(90).default(14),
});

export const GET = route({ query: ZTrendQuery }, async ({ scope, query }) => ({ days: await eventTrend(scope, query, query.days) }));
