// One webhook endpoint: its recent deliveries, change (URL, events, on/off), delete.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { deleteWebhook, listDeliveries, updateWebhook, ZWebhookUpdate } from "@/lib/webhooks/webhooks";

const params = z.object({ webhookId: ZId });

export const GET = route({ params }, async ({ scope, params: p }) => {
  assertCan(scope, "manage_staff");
  return { deliveries: await listDeliveries(scope.workspaceId, p.webhookId, scope) };
});

export const PATCH = route({ params, body: ZWebhookUpdate }, async ({ scope, params: p, body }) => {
  assertCan(scope, "manage_staff");
  return {
    webhook: await updateWebhook({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, id: p.webhookId, input: body }),
  };
});

export const DELETE = route({ params }, async ({ scope, params: p }) => {
  assertCan(scope, "manage_staff");
  await deleteWebhook({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, id: p.webhookId });
  return new NextResponse(null, { status: 204 });
});
