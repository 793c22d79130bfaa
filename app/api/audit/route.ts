// The audit log with filters and a cursor.
import { route } from "@/lib/http/route";
import { listAudit, ZAuditQuery } from "@/lib/audit/list-audit";

export const GET = route({ query: ZAuditQuery }, async ({ scope, query }) => listAudit({ workspaceId: scope.workspaceId, scope, query }));
