// "Verify app": proves the active secret against the token endpoint and reports the diagnosis.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { verifyApp } from "@/lib/apps/secrets";

const params = z.object({ appId: ZId });
const body = z.object({ tenantId: z.string().uuid().optional() }).strict().optional();

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  assertCan(scope, "mutate");
  return {
    result: await verifyApp({ workspaceId: scope.workspaceId, appId: p.appId, scope, actor: auditActor(scope), tenantId: b?.tenantId }),
  };
});
