import "server-only";
import { db } from "../db/client";
import { withinReach } from "../auth/guard";
import type { TScope } from "../auth/session";

/** Staff limited to some tenants see only the people whose tenants are within their own (and
 *  themselves): the ones they may manage. All-tenant members and other tenants' staff stay hidden. */
export async function listStaff(opts: { workspaceId: string; scope?: Pick<TScope, "staffUserId" | "hasAllTenants" | "tenantIds"> }) {
  const rows = await db().membership.findMany({
    where: { workspaceId: opts.workspaceId },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      role: true,
      hasAllTenants: true,
      tenantIds: true,
      createdAt: true,
      staffUser: { select: { id: true, email: true, name: true, isDisabled: true, lastLoginAt: true } },
    },
  });
  const scope = opts.scope;
  const visible = scope && !scope.hasAllTenants ? rows.filter((m) => m.staffUser.id === scope.staffUserId || withinReach(scope, m)) : rows;
  return visible.map((m) => ({
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
