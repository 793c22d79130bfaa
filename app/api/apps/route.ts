// App registrations: list (optionally those usable in one tenant) and register (owner, admin).
import { NextResponse } from "next/server";
import { z } from "zod";
import { route } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { listApps } from "@/lib/apps/list-apps";
import { createApp } from "@/lib/apps/create-app";
import { ZAppCreate } from "@/lib/apps/schemas";

const query = z.object({ tenantId: z.string().uuid().optional() });

export const GET = route({ query }, async ({ scope, query: q }) => {
  if (q.tenantId) assertTenantAccess(scope, q.tenantId);
  return { apps: await listApps({ workspaceId: scope.workspaceId, scope, tenantId: q.tenantId }) };
});

export const POST = route({ body: ZAppCreate }, async ({ scope, body }) => {
  if (body.tenantId) assertTenantAccess(scope, body.tenantId);
  assertCan(scope, "manage_apps");
  const app = await createApp({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, input: body });
  return NextResponse.json({ app }, { status: 201 });
});
