import "server-only";
import { db } from "../db/client";
import { conflict, notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import type { TScope } from "../auth/session";
import { appWhere, assertAppWritable } from "./app-access";
import { appSelect, toAppDto } from "./app-dto";
import type { TAppUpdate } from "./schemas";
import { appCloud, assertOverridesTrusted } from "./override-hosts";

export async function updateApp(opts: { workspaceId: string; appId: string; scope: TScope; actor: TAuditActor; input: TAppUpdate }) {
  return db().$transaction(async (tx) => {
    const found = await tx.appRegistration.findFirst({
      where: { AND: [{ id: opts.appId }, appWhere(opts.workspaceId, opts.scope)] },
      select: { tenantId: true, kind: true, scopeProfile: true, _count: { select: { mailboxes: true } } },
    });
    if (!found) throw notFound("App registration");
    assertAppWritable(opts.scope, found);
    const { confirmProfileChange, ...input } = opts.input;
    if (input.scopeProfile && input.scopeProfile !== found.scopeProfile && found._count.mailboxes > 0 && !confirmProfileChange)
      throw conflict(
        `${found._count.mailboxes} mailbox(es) use this app: they keep their current grants, and their next consent asks for the new profile's permissions. Confirm the change.`,
        { confirmProfileChange: "Confirm the new permissions." },
      );
    if (input.authorityOverride || input.tokenEndpointOverride) {
      assertOverridesTrusted(
        input,
        found.kind === "multi_tenant" ? null : await appCloud(tx, { workspaceId: opts.workspaceId, tenantId: found.tenantId }),
      );
    }
    const res = await tx.appRegistration.updateMany({
      where: { id: opts.appId, workspaceId: opts.workspaceId, tenantId: found.tenantId },
      data: input,
    });
    if (res.count !== 1) throw notFound("App registration");
    const app = await tx.appRegistration.findFirstOrThrow({ where: { id: opts.appId, workspaceId: opts.workspaceId }, select: appSelect });
    await writeAudit(tx, opts.actor, {
      action: "app.update",
      targetType: "app",
      targetId: app.id,
      tenantId: app.tenantId,
      detail: {
        fields: Object.keys(input),
        ...(input.scopeProfile && input.scopeProfile !== found.scopeProfile
          ? { scopeProfile: { from: found.scopeProfile, to: input.scopeProfile } }
          : {}),
      },
    });
    return toAppDto(app);
  });
}

export async function deleteApp(opts: { workspaceId: string; appId: string; scope: TScope; actor: TAuditActor }) {
  await db().$transaction(async (tx) => {
    const app = await tx.appRegistration.findFirst({
      where: { AND: [{ id: opts.appId }, appWhere(opts.workspaceId, opts.scope)] },
      select: { id: true, tenantId: true, clientId: true },
    });
    if (!app) throw notFound("App registration");
    assertAppWritable(opts.scope, app);
    await tx.appRegistration.deleteMany({ where: { id: app.id, workspaceId: opts.workspaceId } });
    await writeAudit(tx, opts.actor, {
      action: "app.delete",
      targetType: "app",
      targetId: app.id,
      tenantId: app.tenantId,
      detail: { clientId: app.clientId },
    });
  });
}
