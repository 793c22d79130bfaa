// A tenant's customer status links: list and create (technician and up). The URL is in the create answer only.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { createStatusLink, listStatusLinks, ZStatusLinkCreate } from "@/lib/status/status-links";

const params = z.object({ tenantId: ZId });

export const GET = route({ params }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId);
  return { links: await listStatusLinks({ workspaceId: scope.workspaceId, tenantId: p.tenantId }) };
});

export const POST = route({ params, body: ZStatusLinkCreate }, async ({ scope, params: p, body }) => {
  assertTenantAccess(scope, p.tenantId);
  assertCan(scope, "connect_mailboxes");
  return NextResponse.json(
    await createStatusLink({ workspaceId: scope.workspaceId, tenantId: p.tenantId, actor: auditActor(scope), input: body }),
    { status: 201 },
  );
});
