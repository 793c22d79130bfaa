// "Sync now": makes the mailbox due at once; a worker picks it up within seconds.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { notFound } from "@/lib/core/errors";
import { auditActor, writeAudit } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";

export const POST = mailboxRoute({ params: z.object({ tenantId: ZId, mailboxId: ZId }), can: "connect_mailboxes" }, async ({ scope, ref }) => {
  const r = await db().mailbox.updateMany({ where: { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId, inbound: { in: ["imap", "pop", "graph"] } }, data: { nextSyncAt: new Date() } });
  if (r.count !== 1) throw notFound("Mailbox");
  await writeAudit(db(), auditActor(scope), { action: "mailbox.sync_now", targetType: "mailbox", targetId: ref.mailboxId, tenantId: ref.tenantId });
  return { ok: true };
});
