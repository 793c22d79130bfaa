import "server-only";
import { db } from "../db/client";
import { conflict } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import type { TTenantCreate } from "./schemas";
import { tenantSelect, toTenantDto } from "./tenant-dto";
import { resolveDirectoryId } from "./resolve-directory";
import { assertCloudEnabled } from "../microsoft/trusted-microsoft-url";

export async function createTenant(opts: { workspaceId: string; actor: TAuditActor; input: TTenantCreate }) {
  let input = opts.input;
  assertCloudEnabled(input.cloud);
  let warning: string | null = null;
  if (!input.directoryId && input.primaryDomain) {
    const r = await resolveDirectoryId(input.cloud, input.primaryDomain);
    input = { ...input, directoryId: r.directoryId };
    warning = r.warning;
  }
  if (input.directoryId) {
    const dup = await db().tenant.findFirst({
      where: { workspaceId: opts.workspaceId, directoryId: input.directoryId },
      select: { id: true },
    });
    if (dup) throw conflict("A tenant with this directory ID already exists in this workspace.", { directoryId: "Already added." });
  }
  return db().$transaction(async (tx) => {
    const t = await tx.tenant.create({
      data: {
        workspaceId: opts.workspaceId,
        displayName: input.displayName,
        directoryId: input.directoryId ?? null,
        primaryDomain: input.primaryDomain ?? null,
        cloud: input.cloud,
        notes: input.notes ?? "",
      },
      select: tenantSelect,
    });
    await writeAudit(tx, opts.actor, {
      action: "tenant.create",
      targetType: "tenant",
      targetId: t.id,
      tenantId: t.id,
      detail: { displayName: t.displayName, cloud: t.cloud },
    });
    return { ...toTenantDto(t), warning };
  });
}
