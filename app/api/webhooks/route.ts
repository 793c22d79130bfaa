// Settings → Webhooks: list and create (owner and admin). The signing secret is in the create answer only.
import { NextResponse } from "next/server";
import { route } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { createWebhook, listWebhooks, ZWebhookCreate } from "@/lib/webhooks/webhooks";

export const GET = route({}, async ({ scope }) => {
  assertCan(scope, "manage_staff");
  return { webhooks: await listWebhooks(scope.workspaceId, scope) };
});

export const POST = route({ body: ZWebhookCreate }, async ({ scope, body }) => {
  assertCan(scope, "manage_staff");
  return NextResponse.json(await createWebhook({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, input: body }), {
    status: 201,
  });
});
