// A staff member who is also the customer's admin grants organization consent directly.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { startAdminConsent } from "@/lib/consent/start-consent";
import { setStateCookie } from "@/lib/consent/state-cookie";

const params = z.object({ tenantId: ZId });
const body = z.object({ appRegistrationId: z.string().uuid("Pick an app registration.") }).strict();

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  assertTenantAccess(scope, p.tenantId);
  assertCan(scope, "connect_mailboxes");
  const started = await startAdminConsent({
    workspaceId: scope.workspaceId,
    tenantId: p.tenantId,
    appRegistrationId: b.appRegistrationId,
    staffUserId: scope.staffUserId,
  });
  return setStateCookie(NextResponse.json({ url: started.url }), started.state);
});
