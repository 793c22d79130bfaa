// "Request organization consent": a link for the customer's admin, no Consentry account needed.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { createAdminConsentLink } from "@/lib/consent/consent-links";

const params = z.object({ tenantId: ZId });
const body = z.object({ appRegistrationId: z.string().uuid("Pick an app registration."), days: z.number().int().min(1).max(30).optional() }).strict();

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  assertTenantAccess(scope, p.tenantId);
  assertCan(scope, "connect_mailboxes");
  const link = await createAdminConsentLink({ workspaceId: scope.workspaceId, tenantId: p.tenantId, appRegistrationId: b.appRegistrationId, actor: auditActor(scope), days: b.days });
  return NextResponse.json({ link }, { status: 201 });
});
