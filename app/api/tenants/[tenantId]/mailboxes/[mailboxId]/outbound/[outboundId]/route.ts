// One outbound message: retry it (failed or cancelled) or cancel it (not yet sent).
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { writeAudit, auditActor } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";
import { cancelOutbound, retryOutbound } from "@/lib/outbound/queue";

const params = z.object({ tenantId: ZId, mailboxId: ZId, outboundId: ZId });

export const PATCH = route({ params, body: z.object({ action: z.enum(["retry", "cancel"]) }).strict() }, async ({ scope, params: p, body }) => {
  assertTenantAccess(scope, p.tenantId, "Message");
  assertCan(scope, "connect_mailboxes");
  const ctx = { workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId };
  if (body.action === "retry") await retryOutbound(ctx, p.outboundId);
  else await cancelOutbound(ctx, p.outboundId);
  await writeAudit(db(), auditActor(scope), { action: `outbound.${body.action}`, targetType: "outbound_message", targetId: p.outboundId, tenantId: p.tenantId });
  return { ok: true };
});
