// "Request organization consent": a link for the customer's admin, no Consentry account needed,
// copied or emailed through the workspace's notifier mailbox.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { deliverAdminConsentLink } from "@/lib/notify/deliver-consent-link";

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
  return NextResponse.json(await deliverAdminConsentLink(scope, { workspaceId: scope.workspaceId, tenantId: p.tenantId }, b), {
    status: 201,
  });
});
