// Authorization checks on a resolved scope. Pure, so they are unit-tested without a session.
import { forbidden, notFound } from "../core/errors";
import { canConnectMailboxes, canManageStaff, canManageTenants, canMutate, roleAtMost, type TRole } from "./permissions";
import type { TScope } from "./session";

export type TAbility = "mutate" | "manage_tenants" | "manage_apps" | "manage_staff" | "connect_mailboxes";

export function canAccessTenant(scope: Pick<TScope, "hasAllTenants" | "tenantIds">, tenantId: string): boolean {
  return scope.hasAllTenants || scope.tenantIds.includes(tenantId);
}

/** A tenant outside the scope answers exactly like a missing one. */
export function assertTenantAccess(scope: Pick<TScope, "hasAllTenants" | "tenantIds">, tenantId: string, what = "Tenant") {
  if (!canAccessTenant(scope, tenantId)) throw notFound(what);
}

export function assertCan(scope: Pick<TScope, "role">, ability: TAbility) {
  const ok =
    ability === "mutate"
      ? canMutate(scope.role)
      : ability === "manage_staff"
        ? canManageStaff(scope.role)
        : ability === "connect_mailboxes"
          ? canConnectMailboxes(scope.role)
          : canManageTenants(scope.role);
  if (!ok) throw forbidden(scope.role === "support" ? "Support is read-only." : "Your role can't make this change.");
}

// A scope never widens. What a write reaches (a staff member's tenants, a key's, a webhook's, or
// every tenant) must fit inside the caller's own reach; anything that serves every tenant (an
// MSP app, an all-tenant webhook or key, workspace settings) needs an all-tenant owner or admin.
type TReach = { hasAllTenants: boolean; tenantIds: string[] };
type TCaller = Pick<TScope, "role" | "hasAllTenants" | "tenantIds">;

/** True when `reach` is no wider than the caller's tenants. */
export function withinReach(scope: Pick<TScope, "hasAllTenants" | "tenantIds">, reach: TReach): boolean {
  if (scope.hasAllTenants) return true;
  return !reach.hasAllTenants && reach.tenantIds.every((t) => scope.tenantIds.includes(t));
}

/** An owner or admin who sees every tenant: the only people who change workspace-wide things. */
export const isWorkspaceWide = (scope: TCaller) => scope.hasAllTenants && (scope.role === "owner" || scope.role === "admin");

/** The one rule for writes that reach wider than one tenant. */
export function assertWorkspaceWide(scope: TCaller, reason = "This reaches every tenant") {
  if (!isWorkspaceWide(scope)) throw forbidden(`${reason}, so only an owner or admin who sees all tenants can change it.`);
}

/** A write covering `reach`: every tenant needs assertWorkspaceWide, else the tenants must all be the caller's. */
export function assertReach(scope: TCaller, reach: TReach, what = "This") {
  if (reach.hasAllTenants) return assertWorkspaceWide(scope, `${what} reaches every tenant`);
  if (!withinReach(scope, reach)) throw forbidden(`${what} reaches tenants you can't use: only your own tenants are allowed.`);
}

export function assertRoleAtMost(scope: Pick<TScope, "role">, role: TRole) {
  if (!roleAtMost(role, scope.role)) throw forbidden("You can't give anyone a role higher than your own.");
}
