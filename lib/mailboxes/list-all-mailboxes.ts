import "server-only";
// Every mailbox the caller may see, across tenants, for the Health page.
import { db } from "../db/client";
import { tenantFilter } from "../auth/guard";
import type { TScope } from "../auth/session";

export async function listAllMailboxes(opts: { workspaceId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  const rows = await db().mailbox.findMany({
    where: { workspaceId: opts.workspaceId, tenantId: tenantFilter(opts.scope) },
    orderBy: [{ state: "asc" }, { address: "asc" }],
    select: { id: true, tenantId: true, address: true, kind: true, inbound: true, outbound: true, state: true, stateCode: true, lastSyncAt: true, tenant: { select: { displayName: true } }, grant: { select: { upn: true, lastRefreshAt: true, refreshTokenIssuedAt: true } } },
  });
  return rows.map(({ tenant, ...m }) => ({ ...m, tenantName: tenant.displayName }));
}
