import "server-only";
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import { appWhere } from "./app-access";
import { appSelect, toAppDto } from "./app-dto";
import { forTenantWhere } from "../core/scope";

/** With a tenantId: that tenant's own apps plus the multi-tenant apps usable there. */
export async function listApps(opts: { workspaceId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds">; tenantId?: string }) {
  const rows = await db().appRegistration.findMany({
    where: { AND: [appWhere(opts.workspaceId, opts.scope), ...(opts.tenantId ? [forTenantWhere(opts.tenantId)] : [])] },
    orderBy: { displayName: "asc" },
    select: appSelect,
  });
  return rows.map(toAppDto);
}
