import "server-only";
import { db } from "../db/client";
import { notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";

export async function deleteTenant(opts: { workspaceId: string; tenantId: string; actor: TAuditActor }) {
  await db().$transaction(async (tx) => {
    const t = await tx.tenant.findFirst({ where: { id: opts.tenantId, workspaceId: opts.workspaceId }, select: { displayName: true } });
    if (!t) throw notFound("Tenant");
    await tx.tenant.deleteMany({ where: { id: opts.tenantId, workspaceId: opts.workspaceId } });
    await writeAudit(tx, opts.actor, {
      action: "tenant.delete",
      targetType: "tenant",
      targetId: opts.tenantId,
      tenantId: opts.tenantId,
      detail: { displayName: t.displayName },
    });
  });
}
