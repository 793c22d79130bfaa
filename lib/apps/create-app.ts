import "server-only";
import { db } from "../db/client";
import { sealValue } from "../crypto";
import { notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import type { TAppCreate } from "./schemas";
import type { TCloud } from "../microsoft/clouds";
import { appSelect, toAppDto } from "./app-dto";
import { assertAppWritable } from "./app-access";
import type { TScope } from "../auth/session";
import { assertOverridesTrusted } from "./override-hosts";

export async function createApp(opts: {
  workspaceId: string;
  actor: TAuditActor;
  scope: Pick<TScope, "role" | "hasAllTenants" | "tenantIds">;
  input: TAppCreate;
}) {
  const { input } = opts;
  assertAppWritable(opts.scope, { tenantId: input.kind === "multi_tenant" ? null : input.tenantId });
  let cloud: TCloud | null = null;
  if (input.tenantId) {
    const t = await db().tenant.findFirst({
      where: { id: input.tenantId, workspaceId: opts.workspaceId },
      select: { id: true, cloud: true },
    });
    if (!t) throw notFound("Tenant");
    if (input.kind !== "multi_tenant") cloud = t.cloud;
  }
  assertOverridesTrusted(input, cloud);
  // The id is chosen here because the sealed value is bound to its row.
  const secretId = crypto.randomUUID();
  const sealed = sealValue(input.secret.value, "client_secret", { workspaceId: opts.workspaceId, rowId: secretId });
  return db().$transaction(async (tx) => {
    const app = await tx.appRegistration.create({
      data: {
        workspaceId: opts.workspaceId,
        tenantId: input.kind === "multi_tenant" ? null : input.tenantId,
        displayName: input.displayName,
        clientId: input.clientId,
        kind: input.kind,
        scopeProfile: input.scopeProfile,
        defaultPrompt: input.defaultPrompt,
        authorityOverride: input.authorityOverride ?? null,
        tokenEndpointOverride: input.tokenEndpointOverride ?? null,
        secrets: {
          create: {
            id: secretId,
            workspaceId: opts.workspaceId,
            sealedValue: sealed,
            last4: input.secret.value.slice(-4),
            expiresAt: input.secret.expiresAt,
            status: "active",
          },
        },
      },
      select: appSelect,
    });
    await writeAudit(tx, opts.actor, {
      action: "app.create",
      targetType: "app",
      targetId: app.id,
      tenantId: app.tenantId,
      detail: {
        clientId: app.clientId,
        kind: app.kind,
        scopeProfile: app.scopeProfile,
        secretExpiresAt: input.secret.expiresAt.toISOString(),
      },
    });
    return toAppDto(app);
  });
}
