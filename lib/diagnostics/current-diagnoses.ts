import "server-only";
// How many of the caller's mailboxes have each diagnosis right now: the catalog doubles as a
// "what is broken where" index on the Diagnostics page.
import { db } from "../db/client";
import { tenantIdIn, type TWorkspaceScope } from "../core/scope";

export async function countCurrentDiagnoses(scope: TWorkspaceScope): Promise<Map<string | null, number>> {
  const now = await db().mailbox.groupBy({
    by: ["stateCode"],
    where: { workspaceId: scope.workspaceId, tenantId: tenantIdIn(scope), stateCode: { not: null } },
    _count: { _all: true },
  });
  return new Map(now.map((r) => [r.stateCode, r._count._all]));
}
