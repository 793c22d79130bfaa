// Revokes a consent link (a mailbox's or the organization's) at once, with any sign-in started from it.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { revokeConsentLink } from "@/lib/consent/consent-links";

export const DELETE = route({ params: z.object({ tenantId: ZId, linkId: ZId }) }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Consent link");
  assertCan(scope, "connect_mailboxes");
  await revokeConsentLink({ workspaceId: scope.workspaceId, tenantId: p.tenantId, id: p.linkId, actor: auditActor(scope) });
  return new NextResponse(null, { status: 204 });
});
