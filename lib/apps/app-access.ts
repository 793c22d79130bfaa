import "server-only";
// Which app registrations a scope may see: those of its tenants, plus the workspace's
// multi-tenant MSP apps (tenantId null), which carry no customer data of their own.
import type { Prisma } from "../db/generated/client";
import type { TScope } from "../auth/session";
import { assertWorkspaceWide } from "../auth/guard";
import { sharedTenantWhere } from "../core/scope";

export function appWhere(workspaceId: string, scope: Pick<TScope, "hasAllTenants" | "tenantIds">): Prisma.AppRegistrationWhereInput {
  return { workspaceId, ...sharedTenantWhere(scope) };
}

/** Readable is not writable: a multi-tenant app serves every tenant, so changing it (edit, delete,
 *  rotate, verify, overrides) needs an all-tenant owner or admin. */
export function assertAppWritable(scope: Pick<TScope, "role" | "hasAllTenants" | "tenantIds">, app: { tenantId: string | null }) {
  if (app.tenantId === null) assertWorkspaceWide(scope, "This multi-tenant app serves every tenant");
}
