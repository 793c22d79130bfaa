// Revokes a consent link (a mailbox's or the organization's) at once, with any sign-in started from
// it (DELETE); or resends it (POST): a new link for the same person and app, the old one revoked.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { revokeConsentLink } from "@/lib/consent/consent-links";
import { resendConsentLink } from "@/lib/notify/deliver-consent-link";

const params = z.object({ tenantId: ZId, linkId: ZId });
const body = z
  .object({
    days: z.number().int().min(1, "At least 1 day.").max(30, "At most 30 days.").optional(),
    emailTo: z.string().trim().toLowerCase().email("Enter an email address.").max(254).optional(),
  })
  .strict();

export const DELETE = route({ params }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Consent link");
  assertCan(scope, "connect_mailboxes");
  await revokeConsentLink({ workspaceId: scope.workspaceId, tenantId: p.tenantId, id: p.linkId, actor: auditActor(scope) });
  return new NextResponse(null, { status: 204 });
});

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  assertTenantAccess(scope, p.tenantId, "Consent link");
  assertCan(scope, "connect_mailboxes");
  return NextResponse.json(
    await resendConsentLink(scope, { workspaceId: scope.workspaceId, tenantId: p.tenantId, linkId: p.linkId, ...b }),
    { status: 201 },
  );
});
