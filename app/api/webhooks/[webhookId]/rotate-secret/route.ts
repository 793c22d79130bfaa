// Rotates an endpoint's signing secret. The new secret is in this answer only.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { rotateWebhookSecret, ZWebhookRotate } from "@/lib/webhooks/rotate-secret";

export const POST = route({ params: z.object({ webhookId: ZId }), body: ZWebhookRotate }, async ({ scope, params: p, body }) => {
  assertCan(scope, "manage_staff");
  return rotateWebhookSecret({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, id: p.webhookId, input: body });
});
