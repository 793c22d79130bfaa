// "Sync now": makes the mailbox due at once; a worker picks it up within seconds.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { notFound } from "@/lib/core/errors";
import { auditActor, writeAudit } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";

export const POST = route({ params: z.object({ tenantId: ZId, mailboxId: ZId }) }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  const r = await db().mailbox.updateMany({ where: { id: p.mailboxId, workspaceId: scope.workspaceId, tenantId: p.tenantId, inbound: { in: ["imap", "pop", "graph"] } }, data: { nextSyncAt: new Date() } });
  if (r.count !== 1) throw notFound("Mailbox");
  await writeAudit(db(), auditActor(scope), { action: "mailbox.sync_now", targetType: "mailbox", targetId: p.mailboxId, tenantId: p.tenantId });
  return { ok: true };
});
