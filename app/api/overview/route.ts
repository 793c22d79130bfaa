// Counters and recent events for the Overview page.
import { route } from "@/lib/http/route";
import { getOverview } from "@/lib/overview/get-overview";

export const GET = route({}, async ({ scope }) => getOverview({ workspaceId: scope.workspaceId, scope }));
