import "server-only";
// The audit log, newest first, filtered and paged by cursor. Staff limited to some tenants see
// entries of their tenants, and workspace-level entries only when they made them: the rest
// (staff, keys, settings, MSP apps) is about every tenant.
import { z } from "zod";
import { ZDateParam } from "../core/zod-fields";
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import { auditScopeWhere } from "../core/scope";

export const ZAuditQuery = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(254).optional(),
  tenantId: z.string().uuid().optional(),
  targetType: z.string().max(50).optional(),
  from: ZDateParam.optional(),
  to: ZDateParam.optional(),
  cursor: z.string().uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

export async function listAudit(opts: {
  workspaceId: string;
  scope: Pick<TScope, "staffUserId" | "hasAllTenants" | "tenantIds">;
  query: TAuditQuery;
}) {
  const { query: q } = opts;
  const tenantScope = auditScopeWhere(opts.scope);
  const rows = await db().auditEntry.findMany({
    where: {
      workspaceId: opts.workspaceId,
      ...tenantScope,
      ...(q.action ? { action: { contains: q.action, mode: "insensitive" as const } } : {}),
      ...(q.actor ? { actorEmail: { contains: q.actor, mode: "insensitive" as const } } : {}),
      ...(q.tenantId ? { tenantId: q.tenantId } : {}),
      ...(q.targetType ? { targetType: q.targetType } : {}),
      ...(q.from || q.to ? { createdAt: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lte: new Date(q.to) } : {}) } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    ...(q.cursor ? { cursor: { id: q.cursor }, skip: 1 } : {}),
    select: { id: true, actorEmail: true, action: true, targetType: true, targetId: true, tenantId: true, detail: true, createdAt: true },
  });
  const hasMore = rows.length > q.limit;
  const entries = rows.slice(0, q.limit);
  return { entries, nextCursor: hasMore ? entries[entries.length - 1].id : null };
}
