// Settings → Notifications → Alerts: who gets alert emails, and which.
import { route } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { alertSettingsFor, setAlertSettings, ZAlertSettings } from "@/lib/notify/alerts";

export const GET = route({}, async ({ scope }) => ({ alerts: await alertSettingsFor(scope) }));

export const PUT = route({ body: ZAlertSettings }, async ({ scope, body }) => {
  assertCan(scope, "manage_staff");
  return { alerts: await setAlertSettings({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, input: body }) };
});
