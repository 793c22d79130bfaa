// List the caller's tenants / add a tenant (owner, admin).
import type { z } from "zod";
import { route } from "@/lib/http/route";
import { assertCan, assertWorkspaceWide } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { listTenants } from "@/lib/tenants/list-tenants";
import { createTenant } from "@/lib/tenants/create-tenant";
import { ZTenantCreate } from "@/lib/tenants/schemas";
import { NextResponse } from "next/server";

export const GET = route({}, async ({ scope }) => ({ tenants: await listTenants({ workspaceId: scope.workspaceId, scope }) }));

export const POST = route({ body: ZTenantCreate as z.ZodType<z.infer<typeof ZTenantCreate>> }, async ({ scope, body }) => {
  assertCan(scope, "manage_tenants");
  // A new tenant is outside a limited caller's tenants (and inside every all-tenant key and webhook).
  assertWorkspaceWide(scope, "A new tenant joins the whole workspace");
  const tenant = await createTenant({ workspaceId: scope.workspaceId, actor: auditActor(scope), input: body });
  return NextResponse.json({ tenant }, { status: 201 });
});
