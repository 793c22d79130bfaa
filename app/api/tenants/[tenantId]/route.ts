// Read, edit or delete one tenant. Unknown and foreign ids both answer 404.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { notFound } from "@/lib/core/errors";
import { getTenant } from "@/lib/tenants/get-tenant";
import { updateTenant } from "@/lib/tenants/update-tenant";
import { deleteTenant } from "@/lib/tenants/delete-tenant";
import { ZTenantUpdate } from "@/lib/tenants/schemas";

const params = z.object({ tenantId: ZId });

export const GET = route({ params }, async ({ scope, params: p }) => {
  const tenant = await getTenant({ workspaceId: scope.workspaceId, tenantId: p.tenantId, scope });
  if (!tenant) throw notFound("Tenant");
  return { tenant };
});

export const PATCH = route({ params, body: ZTenantUpdate }, async ({ scope, params: p, body }) => {
  // Visibility first: a foreign tenant must look missing even to a role that can't edit.
  assertTenantAccess(scope, p.tenantId);
  assertCan(scope, "manage_tenants");
  return { tenant: await updateTenant({ workspaceId: scope.workspaceId, tenantId: p.tenantId, actor: auditActor(scope), input: body }) };
});

export const DELETE = route({ params }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId);
  assertCan(scope, "manage_tenants");
  await deleteTenant({ workspaceId: scope.workspaceId, tenantId: p.tenantId, actor: auditActor(scope) });
  return new NextResponse(null, { status: 204 });
});
