// Queues a webhook.test event for the endpoint.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { sendTestEvent } from "@/lib/webhooks/webhooks";

export const POST = route({ params: z.object({ webhookId: ZId }) }, async ({ scope, params: p }) => {
  assertCan(scope, "manage_staff");
  return NextResponse.json(await sendTestEvent({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, id: p.webhookId }), {
    status: 202,
  });
});
