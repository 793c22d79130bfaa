import "server-only";
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import { appWhere } from "./app-access";
import { appSelect, toAppDto } from "./app-dto";
import { tenantIdIn } from "../core/scope";
import { listOrgConsentsOfApp } from "../consent/org-consent";

export async function getApp(opts: { workspaceId: string; appId: string; scope: Pick<TScope, "hasAllTenants" | "tenantIds"> }) {
  const row = await db().appRegistration.findFirst({
    where: { AND: [{ id: opts.appId }, appWhere(opts.workspaceId, opts.scope)] },
    select: appSelect,
  });
  if (!row) return null;
  // Where this app has organization consent, in the tenants the caller may see.
  const orgConsents = await listOrgConsentsOfApp({
    workspaceId: opts.workspaceId,
    appRegistrationId: row.id,
    tenantIds: tenantIdIn(opts.scope),
  });
  return { ...toAppDto(row), orgConsents };
}
