// Settings → Data: how long pulled mail's raw MIME is kept, and what is stored now.
import { route } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor } from "@/lib/audit/write-audit";
import { setRetention, storageStats, ZRetention } from "@/lib/retention/retention";

export const GET = route({}, async ({ scope }) => {
  assertCan(scope, "manage_staff");
  return { storage: await storageStats(scope) };
});

export const PUT = route({ body: ZRetention }, async ({ scope, body }) => {
  assertCan(scope, "manage_staff");
  return { storage: await setRetention({ workspaceId: scope.workspaceId, actor: auditActor(scope), scope, input: body }) };
});
