// Revokes an API key at once.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { revokeApiKey } from "@/lib/api-keys/api-keys";

export const DELETE = route({ params: z.object({ keyId: ZId }) }, async ({ scope, params }) => {
  assertCan(scope, "manage_staff");
  await revokeApiKey({ workspaceId: scope.workspaceId, id: params.keyId, actor: auditActor(scope), scope });
  return new NextResponse(null, { status: 204 });
});
