// Redelivers one delivery.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { redeliver } from "@/lib/webhooks/webhooks";

export const POST = route({ params: z.object({ webhookId: ZId, deliveryId: ZId }) }, async ({ scope, params: p }) => {
  assertCan(scope, "manage_staff");
  await redeliver({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, endpointId: p.webhookId, deliveryId: p.deliveryId });
  return { ok: true };
});
