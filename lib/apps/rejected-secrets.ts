import "server-only";
// Apps whose secret Microsoft rejected at the last verify (or refresh), for the banner on every
// page and the overview count: a rejected secret is as urgent as an expired one, whatever its
// typed expiry date says.
import { db } from "../db/client";
import { sharedTenantWhere } from "../core/scope";
import { SECRET_REJECTED_CODES } from "./secret-health";

export async function rejectedSecretApps(opts: { workspaceId: string; tenantIds?: string[] | null }) {
  return db().appRegistration.findMany({
    where: {
      workspaceId: opts.workspaceId,
      lastVerifyCode: { in: [...SECRET_REJECTED_CODES] },
      ...(opts.tenantIds ? sharedTenantWhere({ hasAllTenants: false, tenantIds: opts.tenantIds }) : {}),
    },
    orderBy: { displayName: "asc" },
    select: { id: true, displayName: true, tenantId: true, lastVerifyCode: true },
  });
}
