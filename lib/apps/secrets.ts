import "server-only";
// Verify an app and rotate its secret. Rotation stores the new secret as pending, proves it
// against the token endpoint, and only then makes it active in one transaction; token
// refreshes always read the active secret, so mailboxes keep working through the swap.
import { db } from "../db/client";
import { sealValue, unsealValue } from "../crypto";
import { badRequest, notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import type { TScope } from "../auth/session";
import { appWhere, assertAppWritable } from "./app-access";
import { verifySecret, type TVerifyResult } from "./verify-secret";
import { hostsFor } from "../microsoft/hosts-for";
import { resourceForProtocol } from "../microsoft/scope-profiles";
import { getAccessToken, TokenError } from "../grants/get-access-token";
import { microsoftRefresher } from "../grants/microsoft-refresher";
import { describe } from "../diagnostics/describe";

/** The app for a write (verify records its result on the app, rotate replaces its secret): a
 *  shared app is refused before the body is looked at, so a limited caller learns nothing more. */
async function loadApp(workspaceId: string, appId: string, scope: Pick<TScope, "role" | "hasAllTenants" | "tenantIds">, tenantId?: string) {
  const app = await db().appRegistration.findFirst({ where: { AND: [{ id: appId }, appWhere(workspaceId, scope)] } });
  if (!app) throw notFound("App registration");
  assertAppWritable(scope, app);
  const tid = app.tenantId ?? tenantId;
  if (!tid) throw badRequest("Pick a tenant to verify this multi-tenant app in.", { tenantId: "Required for a multi-tenant app." });
  const tenant = await db().tenant.findFirst({ where: { id: tid, workspaceId } });
  if (!tenant || (!scope.hasAllTenants && !scope.tenantIds.includes(tenant.id))) throw notFound("Tenant");
  return { app, tenant, tenantSegment: tenant.directoryId ?? tenant.primaryDomain ?? "organizations" };
}

export async function verifyApp(opts: {
  workspaceId: string;
  appId: string;
  scope: TScope;
  actor: TAuditActor;
  tenantId?: string;
}): Promise<TVerifyResult> {
  const { app, tenant, tenantSegment } = await loadApp(opts.workspaceId, opts.appId, opts.scope, opts.tenantId);
  const secret = await db().appSecret.findFirst({
    where: { appRegistrationId: app.id, workspaceId: opts.workspaceId, status: "active" },
    orderBy: { createdAt: "desc" },
    omit: { sealedValue: false },
  });
  if (!secret)
    return {
      ok: false,
      code: "secret_missing",
      title: "No active client secret",
      cause: "The app has no active secret to verify.",
      fixSteps: ["Add a client secret under Rotate secret."],
      retryable: false,
    };
  const result = (await verifyByRefresh(opts.workspaceId, app.id, tenant.id, tenant.cloud)) ?? {
    ...(await verifySecret({
      cloud: tenant.cloud,
      tenantSegment,
      clientId: app.clientId,
      clientSecret: unsealValue(secret.sealedValue, "client_secret", { workspaceId: secret.workspaceId, rowId: secret.id }),
      tokenEndpointOverride: app.tokenEndpointOverride,
    })),
    method: "client_credentials" as const,
  };
  await db().$transaction(async (tx) => {
    await tx.appRegistration.update({
      where: { id: app.id },
      data: { lastVerifiedAt: new Date(), lastVerifyCode: result.ok ? "ok" : result.code },
    });
    if (result.ok) await tx.appSecret.update({ where: { id: secret.id }, data: { verifiedAt: new Date() } });
    await writeAudit(tx, opts.actor, {
      action: "app.verify",
      targetType: "app",
      targetId: app.id,
      tenantId: tenant.id,
      detail: { result: result.ok ? "ok" : result.code },
    });
  });
  return result;
}

/** With a connected mailbox on the app, a forced refresh of its grant proves the secret on the
 *  exact path mailboxes use (and needs no app permission or tenant-wide consent). A failure that
 *  belongs to the grant, not the app (revoked, inactive), says nothing about the secret: then
 *  client_credentials decides. */
async function verifyByRefresh(
  workspaceId: string,
  appId: string,
  tenantId: string,
  cloud: Parameters<typeof hostsFor>[0],
): Promise<TVerifyResult | null> {
  const mb = await db().mailbox.findFirst({
    where: { workspaceId, tenantId, appRegistrationId: appId, state: "connected", grant: { isNot: null } },
    orderBy: { updatedAt: "desc" },
    select: { id: true, address: true, inbound: true },
  });
  if (!mb) return null;
  const resource = resourceForProtocol(mb.inbound === "graph" ? "graph" : "imap", hostsFor(cloud));
  try {
    await getAccessToken({ workspaceId, tenantId, mailboxId: mb.id, resource }, microsoftRefresher, { forceRefresh: true });
    return { ok: true, method: "refresh", mailbox: mb.address };
  } catch (err) {
    if (!(err instanceof TokenError) || err.kind !== "permanent_client") return null;
    const d = describe(err.code);
    return {
      ok: false,
      code: d.code,
      title: d.title,
      cause: d.cause,
      fixSteps: d.fixSteps,
      retryable: d.retryable,
      method: "refresh",
      mailbox: mb.address,
    };
  }
}

export async function rotateSecret(opts: {
  workspaceId: string;
  appId: string;
  scope: TScope;
  actor: TAuditActor;
  value: string;
  expiresAt: Date;
  tenantId?: string;
}): Promise<TVerifyResult> {
  const { app, tenant, tenantSegment } = await loadApp(opts.workspaceId, opts.appId, opts.scope, opts.tenantId);
  const pendingId = crypto.randomUUID();
  const pending = await db().appSecret.create({
    data: {
      id: pendingId,
      workspaceId: opts.workspaceId,
      appRegistrationId: app.id,
      sealedValue: sealValue(opts.value, "client_secret", { workspaceId: opts.workspaceId, rowId: pendingId }),
      last4: opts.value.slice(-4),
      expiresAt: opts.expiresAt,
      status: "pending",
    },
  });
  const result = await verifySecret({
    cloud: tenant.cloud,
    tenantSegment,
    clientId: app.clientId,
    clientSecret: opts.value,
    tokenEndpointOverride: app.tokenEndpointOverride,
  });
  await db().$transaction(async (tx) => {
    if (result.ok) {
      await tx.appSecret.updateMany({
        where: { appRegistrationId: app.id, workspaceId: opts.workspaceId, status: "active" },
        data: { status: "retired" },
      });
      await tx.appSecret.update({ where: { id: pending.id }, data: { status: "active", verifiedAt: new Date() } });
      await tx.appRegistration.update({ where: { id: app.id }, data: { lastVerifiedAt: new Date(), lastVerifyCode: "ok" } });
    } else {
      // A secret that doesn't work is never kept: the old one stays active.
      await tx.appSecret.delete({ where: { id: pending.id } });
    }
    await writeAudit(tx, opts.actor, {
      action: "app.rotate_secret",
      targetType: "app",
      targetId: app.id,
      tenantId: app.tenantId,
      detail: { result: result.ok ? "swapped" : result.code, last4: opts.value.slice(-4), expiresAt: opts.expiresAt.toISOString() },
    });
  });
  return result;
}
