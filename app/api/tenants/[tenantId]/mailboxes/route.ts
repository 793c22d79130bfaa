// A tenant's mailboxes: list, add (owner, admin, technician).
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { createMailbox, listMailboxes } from "@/lib/mailboxes/manage-mailboxes";
import { ZMailboxCreate } from "@/lib/mailboxes/schemas";
import { getTenant } from "@/lib/tenants/get-tenant";
import { notFound } from "@/lib/core/errors";

const params = z.object({ tenantId: ZId });

export const GET = route({ params }, async ({ scope, params: p }) => {
  if (!(await getTenant({ workspaceId: scope.workspaceId, tenantId: p.tenantId, scope }))) throw notFound("Tenant");
  return { mailboxes: await listMailboxes({ workspaceId: scope.workspaceId, tenantId: p.tenantId }) };
});

export const POST = route({ params, body: ZMailboxCreate }, async ({ scope, params: p, body }) => {
  assertTenantAccess(scope, p.tenantId);
  assertCan(scope, "connect_mailboxes");
  const mailbox = await createMailbox({ workspaceId: scope.workspaceId, tenantId: p.tenantId, actor: auditActor(scope), input: body });
  return NextResponse.json({ mailbox }, { status: 201 });
});
