// Authorization checks on a resolved scope. Pure, so they are unit-tested without a session.
import { forbidden, notFound } from "../core/errors";
import { canConnectMailboxes, canManageStaff, canManageTenants, canMutate } from "./permissions";
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
