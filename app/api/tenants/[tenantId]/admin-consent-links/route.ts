// "Request organization consent": a link for the customer's admin, no Consentry account needed,
// copied or emailed through the workspace's notifier mailbox.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { createAdminConsentLink } from "@/lib/consent/consent-links";
import { emailConsentLink, requireNotifier } from "@/lib/notify/notifier";

const params = z.object({ tenantId: ZId });
const body = z
  .object({
    appRegistrationId: z.string().uuid("Pick an app registration."),
    days: z.number().int().min(1).max(30).optional(),
    emailTo: z.string().trim().toLowerCase().email("Enter the admin's email address.").max(254).optional(),
  })
  .strict();

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  assertTenantAccess(scope, p.tenantId);
  assertCan(scope, "connect_mailboxes");
  if (b.emailTo) await requireNotifier(scope);
  const actor = auditActor(scope);
  const link = await createAdminConsentLink({ workspaceId: scope.workspaceId, tenantId: p.tenantId, appRegistrationId: b.appRegistrationId, actor, days: b.days });
  const email = b.emailTo ? await emailConsentLink({ workspaceId: scope.workspaceId, actor, to: b.emailTo, link, kind: "admin", tenantId: p.tenantId, appRegistrationId: b.appRegistrationId }) : undefined;
  return NextResponse.json({ link, email }, { status: 201 });
});
