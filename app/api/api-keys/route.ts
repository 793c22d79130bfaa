// Settings → API keys: list and create (owner and admin). The key is in the create answer only.
import { NextResponse } from "next/server";
import { route } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { createApiKey, listApiKeys, ZApiKeyCreate } from "@/lib/api-keys/api-keys";

export const GET = route({}, async ({ scope }) => {
  assertCan(scope, "manage_staff");
  return { apiKeys: await listApiKeys(scope.workspaceId, scope) };
});

export const POST = route({ body: ZApiKeyCreate }, async ({ scope, body }) => {
  assertCan(scope, "manage_staff");
  return NextResponse.json(await createApiKey({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, input: body }), {
    status: 201,
  });
});
