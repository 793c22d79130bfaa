// Revokes a customer status link at once.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { revokeStatusLink } from "@/lib/status/status-links";

export const DELETE = route({ params: z.object({ tenantId: ZId, linkId: ZId }) }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Status link");
  assertCan(scope, "connect_mailboxes");
  await revokeStatusLink({ workspaceId: scope.workspaceId, tenantId: p.tenantId, id: p.linkId, actor: auditActor(scope) });
  return new NextResponse(null, { status: 204 });
});
