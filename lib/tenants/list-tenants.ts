import "server-only";
import { db } from "../db/client";
import { tenantFilter } from "../auth/guard";
import type { TScope } from "../auth/session";
import { tenantSelect, toTenantDto } from "./tenant-dto";

export async function listTenants(opts: { workspaceId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  const rows = await db().tenant.findMany({
    where: { workspaceId: opts.workspaceId, id: tenantFilter(opts.scope) },
    orderBy: { displayName: "asc" },
    select: tenantSelect,
  });
  return rows.map(toTenantDto);
}
