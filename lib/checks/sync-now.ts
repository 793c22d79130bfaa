import "server-only";
// "Sync now": makes the mailbox due at once (a worker picks it up within seconds), audited in the
// same transaction. Only a mailbox that syncs (IMAP, POP or Graph inbound) can be made due.
import { db } from "../db/client";
import { notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";

export async function syncNow(
  ctx: { workspaceId: string; tenantId: string; mailboxId: string },
  actor: TAuditActor,
): Promise<{ ok: true }> {
  await db().$transaction(async (tx) => {
    const r = await tx.mailbox.updateMany({
      where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, inbound: { in: ["imap", "pop", "graph"] } },
      data: { nextSyncAt: new Date() },
    });
    if (r.count !== 1) throw notFound("Mailbox");
    await writeAudit(tx, actor, { action: "mailbox.sync_now", targetType: "mailbox", targetId: ctx.mailboxId, tenantId: ctx.tenantId });
  });
  return { ok: true };
}
