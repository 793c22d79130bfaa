// A staff member who is also the customer's admin grants organization consent directly.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { badRequest } from "@/lib/core/errors";
import { db } from "@/lib/db/client";
import { startAdminConsent } from "@/lib/consent/start-consent";
import { setStateCookie } from "@/lib/consent/state-cookie";

const params = z.object({ tenantId: ZId });
const body = z.object({ appRegistrationId: z.string().uuid("Pick an app registration.") }).strict();

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  assertTenantAccess(scope, p.tenantId);
  assertCan(scope, "connect_mailboxes");
  const app = await db().appRegistration.findFirst({ where: { id: b.appRegistrationId, workspaceId: scope.workspaceId, OR: [{ tenantId: p.tenantId }, { tenantId: null }] }, select: { id: true } });
  if (!app) throw badRequest("Pick an app registration usable in this tenant.", { appRegistrationId: "Unknown app." });
  const started = await startAdminConsent({ workspaceId: scope.workspaceId, tenantId: p.tenantId, appRegistrationId: app.id, staffUserId: scope.staffUserId });
  return setStateCookie(NextResponse.json({ url: started.url }), started.state);
});
