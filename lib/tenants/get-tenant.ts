import "server-only";
import { db } from "../db/client";
import { canAccessTenant } from "../auth/guard";
import type { TScope } from "../auth/session";
import { tenantSelect, toTenantDto } from "./tenant-dto";

/** null for a missing tenant and for one outside the caller's workspace or tenant list alike. */
export async function getTenant(opts: { workspaceId: string; tenantId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  if (!canAccessTenant(opts.scope, opts.tenantId)) return null;
  const row = await db().tenant.findFirst({ where: { id: opts.tenantId, workspaceId: opts.workspaceId }, select: tenantSelect });
  return row ? toTenantDto(row) : null;
}
