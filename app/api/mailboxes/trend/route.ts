// Mailbox health per day (Health page chart), from the state history.
import { z } from "zod";
import { route } from "@/lib/http/route";
import { healthTrend } from "@/lib/health/trends";

const ZQuery = z.object({ days: z.coerce.number().int().min(7).max(90).default(30), tenantId: z.string().uuid().optional() });

export const GET = route({ query: ZQuery }, async ({ scope, query }) => ({
  days: await healthTrend(scope, { days: query.days, tenantId: query.tenantId }),
}));
