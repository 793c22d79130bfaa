// "Rotate secret": paste the new value; it replaces the old one only after it is proven.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { notFound } from "@/lib/core/errors";
import { getApp } from "@/lib/apps/get-app";
import { rotateSecret } from "@/lib/apps/secrets";
import { ZSecretInput } from "@/lib/apps/schemas";

const params = z.object({ appId: ZId });
const body = ZSecretInput.extend({ tenantId: z.string().uuid().optional() }).strict();

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  if (!(await getApp({ workspaceId: scope.workspaceId, appId: p.appId, scope }))) throw notFound("App registration");
  assertCan(scope, "manage_apps");
  const result = await rotateSecret({
    workspaceId: scope.workspaceId,
    appId: p.appId,
    scope,
    actor: auditActor(scope),
    value: b.value,
    expiresAt: b.expiresAt,
    tenantId: b.tenantId,
  });
  // A secret Microsoft refuses is an answer to show (with its diagnosis), not a failed request.
  return NextResponse.json({ result });
});
