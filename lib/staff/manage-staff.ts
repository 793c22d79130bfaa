import "server-only";
// Staff changes. Rules: a scope never widens (a limited caller creates and changes only people
// whose tenants are within its own, and nobody gives a role above their own); nobody changes
// their own role, tenants or status; the last owner can't be removed; tenant limits name only
// tenants of this workspace.
import { db } from "../db/client";
import { hashPassword } from "../auth/password";
import { conflict, forbidden, notFound, badRequest } from "../core/errors";
import { assertReach, assertRoleAtMost, withinReach } from "../auth/guard";
import { writeAudit } from "../audit/write-audit";
import type { TScope } from "../auth/session";
import type { TStaffCreate, TStaffUpdate } from "./schemas";

async function assertTenantsInWorkspace(workspaceId: string, tenantIds: string[]) {
  if (tenantIds.length === 0) return;
  const n = await db().tenant.count({ where: { workspaceId, id: { in: tenantIds } } });
  if (n !== new Set(tenantIds).size) throw badRequest("Some of the chosen tenants don't exist.", { tenantIds: "Unknown tenant." });
}

export async function createStaff(opts: { scope: TScope; input: TStaffCreate }) {
  const { scope, input } = opts;
  if (input.role === "owner" && scope.role !== "owner") throw forbidden("Only an owner can add another owner.");
  assertRoleAtMost(scope, input.role);
  assertReach(scope, input, "This account");
  if (!input.hasAllTenants && input.tenantIds.length === 0)
    throw badRequest("Pick at least one tenant, or allow all tenants.", { tenantIds: "Pick at least one tenant." });
  await assertTenantsInWorkspace(scope.workspaceId, input.tenantIds);
  const existing = await db().staffUser.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) throw conflict("A staff account with this email already exists.", { email: "Already in use." });
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    const user = await tx.staffUser.create({ data: { email: input.email, name: input.name, passwordHash }, select: { id: true } });
    const m = await tx.membership.create({
      data: {
        workspaceId: scope.workspaceId,
        staffUserId: user.id,
        role: input.role,
        hasAllTenants: input.hasAllTenants,
        tenantIds: input.hasAllTenants ? [] : input.tenantIds,
      },
      select: { id: true },
    });
    await writeAudit(
      tx,
      { workspaceId: scope.workspaceId, staffUserId: scope.staffUserId, email: scope.email },
      {
        action: "staff.create",
        targetType: "staff",
        targetId: m.id,
        detail: { email: input.email, role: input.role, hasAllTenants: input.hasAllTenants, tenantIds: input.tenantIds },
      },
    );
    return { membershipId: m.id, staffUserId: user.id };
  });
}

/** Another tenant's staff member answers a limited caller exactly like a missing one (an
 *  all-tenant member is refused by name later, in assertManageable: it reaches every tenant). */
async function loadMembership(scope: TScope, membershipId: string) {
  const m = await db().membership.findFirst({
    where: { id: membershipId, workspaceId: scope.workspaceId },
    select: { id: true, role: true, staffUserId: true, hasAllTenants: true, tenantIds: true },
  });
  if (!m || (!m.hasAllTenants && m.staffUserId !== scope.staffUserId && !withinReach(scope, m))) throw notFound("Staff member");
  return m;
}

async function assertNotLastOwner(workspaceId: string, membershipId: string) {
  const owners = await db().membership.count({
    where: { workspaceId, role: "owner", NOT: { id: membershipId }, staffUser: { isDisabled: false } },
  });
  if (owners === 0) throw conflict("A workspace needs at least one active owner.");
}

/** A limited admin manages only people no wider than itself: not all-tenant members, not ones
 *  with tenants outside its own, not a higher role. */
function assertManageable(scope: TScope, m: { role: TStaffCreate["role"]; hasAllTenants: boolean; tenantIds: string[] }) {
  assertRoleAtMost(scope, m.role);
  assertReach(scope, m, "This staff member");
}

export async function updateStaff(opts: { scope: TScope; membershipId: string; input: TStaffUpdate }) {
  const { scope, input } = opts;
  const m = await loadMembership(scope, opts.membershipId);
  // Any of these on yourself is refused, whatever the value (hasAllTenants:true was the escalation).
  if (
    m.staffUserId === scope.staffUserId &&
    (input.role !== undefined || input.isDisabled !== undefined || input.hasAllTenants !== undefined || input.tenantIds !== undefined)
  )
    throw forbidden("You can't change your own role, tenants or status.");
  if ((m.role === "owner" || input.role === "owner") && scope.role !== "owner") throw forbidden("Only an owner can change an owner.");
  assertManageable(scope, m);
  if (input.role) assertRoleAtMost(scope, input.role);
  const next = { hasAllTenants: input.hasAllTenants ?? m.hasAllTenants, tenantIds: input.tenantIds ?? m.tenantIds };
  assertReach(scope, next, "This account");
  if (m.role === "owner" && ((input.role && input.role !== "owner") || input.isDisabled)) await assertNotLastOwner(scope.workspaceId, m.id);
  if (input.tenantIds) await assertTenantsInWorkspace(scope.workspaceId, input.tenantIds);
  if (!next.hasAllTenants && next.tenantIds.length === 0)
    throw badRequest("Pick at least one tenant, or allow all tenants.", { tenantIds: "Pick at least one tenant." });
  await db().$transaction(async (tx) => {
    await tx.membership.updateMany({
      where: { id: m.id, workspaceId: scope.workspaceId },
      data: {
        ...(input.role ? { role: input.role } : {}),
        ...(input.hasAllTenants !== undefined ? { hasAllTenants: input.hasAllTenants } : {}),
        ...(input.tenantIds ? { tenantIds: input.tenantIds } : {}),
      },
    });
    if (input.isDisabled !== undefined) await tx.staffUser.update({ where: { id: m.staffUserId }, data: { isDisabled: input.isDisabled } });
    await writeAudit(
      tx,
      { workspaceId: scope.workspaceId, staffUserId: scope.staffUserId, email: scope.email },
      { action: "staff.update", targetType: "staff", targetId: m.id, detail: input },
    );
  });
}

export async function removeStaff(opts: { scope: TScope; membershipId: string }) {
  const { scope } = opts;
  const m = await loadMembership(scope, opts.membershipId);
  if (m.staffUserId === scope.staffUserId) throw forbidden("You can't remove yourself.");
  assertManageable(scope, m);
  if (m.role === "owner") {
    if (scope.role !== "owner") throw forbidden("Only an owner can remove an owner.");
    await assertNotLastOwner(scope.workspaceId, m.id);
  }
  await db().$transaction(async (tx) => {
    await tx.membership.deleteMany({ where: { id: m.id, workspaceId: scope.workspaceId } });
    const others = await tx.membership.count({ where: { staffUserId: m.staffUserId } });
    if (others === 0) await tx.staffUser.delete({ where: { id: m.staffUserId } });
    await writeAudit(
      tx,
      { workspaceId: scope.workspaceId, staffUserId: scope.staffUserId, email: scope.email },
      { action: "staff.remove", targetType: "staff", targetId: m.id },
    );
  });
}
