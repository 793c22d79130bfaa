import "server-only";
import { db } from "../db/client";

export async function listStaff(opts: { workspaceId: string }) {
  const rows = await db().membership.findMany({
    where: { workspaceId: opts.workspaceId },
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, hasAllTenants: true, tenantIds: true, createdAt: true, staffUser: { select: { id: true, email: true, name: true, isDisabled: true, lastLoginAt: true } } },
  });
  return rows.map((m) => ({
    membershipId: m.id,
    staffUserId: m.staffUser.id,
    email: m.staffUser.email,
    name: m.staffUser.name,
    role: m.role,
    hasAllTenants: m.hasAllTenants,
    tenantIds: m.tenantIds,
    isDisabled: m.staffUser.isDisabled,
    lastLoginAt: m.staffUser.lastLoginAt,
    createdAt: m.createdAt,
  }));
}
