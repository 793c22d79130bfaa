import "server-only";
import { db } from "../db/client";
import { conflict, notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import type { TTenantUpdate } from "./schemas";
import { tenantSelect, toTenantDto } from "./tenant-dto";
import { assertCloudEnabled } from "../microsoft/trusted-microsoft-url";

export async function updateTenant(opts: { workspaceId: string; tenantId: string; actor: TAuditActor; input: TTenantUpdate }) {
  const { input } = opts;
  assertCloudEnabled(input.cloud);
  const current = await db().tenant.findFirst({
    where: { id: opts.tenantId, workspaceId: opts.workspaceId },
    select: { id: true, directoryId: true, primaryDomain: true },
  });
  if (!current) throw notFound("Tenant");
  const directoryId = input.directoryId === undefined ? current.directoryId : input.directoryId;
  const primaryDomain = input.primaryDomain === undefined ? current.primaryDomain : input.primaryDomain;
  if (!directoryId && !primaryDomain)
    throw conflict("Keep the directory (tenant) ID or the primary domain.", { directoryId: "Required unless a domain is set." });
  if (input.directoryId && input.directoryId !== current.directoryId) {
    const dup = await db().tenant.findFirst({
      where: { workspaceId: opts.workspaceId, directoryId: input.directoryId, NOT: { id: opts.tenantId } },
      select: { id: true },
    });
    if (dup) throw conflict("A tenant with this directory ID already exists in this workspace.", { directoryId: "Already added." });
  }
  return db().$transaction(async (tx) => {
    const changed = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    // updateMany keeps the workspace in the WHERE clause of the write itself.
    const res = await tx.tenant.updateMany({ where: { id: opts.tenantId, workspaceId: opts.workspaceId }, data: changed });
    if (res.count !== 1) throw notFound("Tenant");
    await writeAudit(tx, opts.actor, {
      action: "tenant.update",
      targetType: "tenant",
      targetId: opts.tenantId,
      tenantId: opts.tenantId,
      detail: { fields: Object.keys(changed) },
    });
    const t = await tx.tenant.findFirstOrThrow({ where: { id: opts.tenantId, workspaceId: opts.workspaceId }, select: tenantSelect });
    return toTenantDto(t);
  });
}
