import "server-only";
// Which app registrations a scope may see: those of its tenants, plus the workspace's
// multi-tenant MSP apps (tenantId null), which carry no customer data of their own.
import type { Prisma } from "../db/generated/client";
import type { TScope } from "../auth/session";
import { sharedTenantWhere } from "../core/scope";

export function appWhere(workspaceId: string, scope: Pick<TScope, "hasAllTenants" | "tenantIds">): Prisma.AppRegistrationWhereInput {
  return { workspaceId, ...sharedTenantWhere(scope) };
}
