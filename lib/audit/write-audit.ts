import "server-only";
// Every mutation writes who, what, target and when, inside the mutation's own transaction.
import type { Prisma } from "../db/generated/client";
import type { db } from "../db/client";

export type TAuditActor = { workspaceId: string; staffUserId?: string | null; email: string };
export type TAuditInput = {
  action: string;
  targetType: string;
  targetId?: string | null;
  tenantId?: string | null;
  detail?: Prisma.InputJsonValue;
};

type TTx = Pick<ReturnType<typeof db>, "auditEntry">;

export async function writeAudit(tx: TTx, actor: TAuditActor, entry: TAuditInput) {
  await tx.auditEntry.create({
    data: {
      workspaceId: actor.workspaceId,
      actorId: actor.staffUserId ?? null,
      actorEmail: actor.email,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      tenantId: entry.tenantId ?? null,
      detail: entry.detail,
    },
  });
}

export const auditActor = (scope: { workspaceId: string; staffUserId: string; email: string }): TAuditActor => ({
  workspaceId: scope.workspaceId,
  staffUserId: scope.staffUserId,
  email: scope.email,
});
