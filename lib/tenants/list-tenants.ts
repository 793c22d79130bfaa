import "server-only";
import { db } from "../db/client";
import { tenantIdIn, tenantWhere } from "../core/scope";
import type { TScope } from "../auth/session";
import { tenantSelect, toTenantDto } from "./tenant-dto";

export async function listTenants(opts: { workspaceId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  const rows = await db().tenant.findMany({
    where: { workspaceId: opts.workspaceId, id: tenantIdIn(opts.scope) },
    orderBy: { displayName: "asc" },
    select: tenantSelect,
  });
  // Each tenant's health at a glance: mailboxes per state and its soonest-expiring active secret.
  const ids = rows.map((r) => r.id);
  const inRows = tenantWhere({ hasAllTenants: false, tenantIds: ids });
  const [states, secrets] = ids.length
    ? await Promise.all([
        db().mailbox.groupBy({ by: ["tenantId", "state"], where: { workspaceId: opts.workspaceId, ...inRows }, _count: { _all: true } }),
        db().appSecret.findMany({
          where: { workspaceId: opts.workspaceId, status: "active", appRegistration: inRows },
          select: { expiresAt: true, appRegistration: { select: { tenantId: true } } },
        }),
      ])
    : [[], []];
  return rows.map((r) => {
    const n = (st: string) => states.find((x) => x.tenantId === r.id && x.state === st)?._count._all ?? 0;
    const soonest = secrets
      .filter((x) => x.appRegistration.tenantId === r.id)
      .reduce<Date | null>((m, x) => (!m || x.expiresAt < m ? x.expiresAt : m), null);
    return {
      ...toTenantDto(r),
      health: {
        connected: n("connected"),
        attention: n("degraded") + n("failing"),
        needsReconsent: n("needs_reconsent"),
        pending: n("pending_consent"),
      },
      secretExpiresAt: soonest,
    };
  });
}
