import "server-only";
// Webhook endpoints of a workspace: which events go where, for which tenants. The signing secret
// is shown once and sealed at rest (it must be read back to sign). Deliveries are written by
// database triggers (see the webhooks migration); this module manages endpoints and lists what
// was delivered.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../db/client";
import { badRequest, notFound } from "../core/errors";
import { sealValue } from "../crypto";
import { env } from "../env";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { webhookUrlProblem } from "./url-safety";
import { assertReach, withinReach } from "../auth/guard";
import type { TScope } from "../auth/session";

export const WEBHOOK_EVENTS = ["message.received", "mailbox.state_changed", "outbound.sent", "outbound.failed"] as const;

const ZUrl = z
  .string()
  .trim()
  .max(2000)
  .superRefine((v, ctx) => {
    const p = webhookUrlProblem(v, env().WEBHOOK_ALLOW_PRIVATE);
    if (p) ctx.addIssue({ code: "custom", message: p });
  });

export const ZWebhookCreate = z
  .object({
    url: ZUrl,
    description: z.string().trim().max(200).default(""),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "Pick at least one event.").max(WEBHOOK_EVENTS.length),
    // Required: a missing field must never mean "every tenant".
    hasAllTenants: z.boolean({ error: "Choose all tenants or pick tenants." }),
    tenantIds: z.array(z.string().uuid()).max(500).default([]),
  })
  .strict()
  .refine((v) => v.hasAllTenants || v.tenantIds.length > 0, { message: "Pick the tenants, or send for all tenants.", path: ["tenantIds"] });

export const ZWebhookUpdate = z
  .object({
    url: ZUrl.optional(),
    description: z.string().trim().max(200).optional(),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional(),
    isEnabled: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: "Nothing to change." });

const endpointSelect = {
  id: true,
  url: true,
  description: true,
  events: true,
  hasAllTenants: true,
  tenantIds: true,
  isEnabled: true,
  lastSuccessAt: true,
  lastFailureAt: true,
  createdByEmail: true,
  createdAt: true,
} as const;

type TCaller = Pick<TScope, "role" | "hasAllTenants" | "tenantIds">;
// Every change names the caller: an endpoint wider than the caller (every tenant, or tenants it
// can't use) is changed only by someone who reaches that far (an all-tenant one: owner or admin).
type TCtx = { workspaceId: string; actor: TAuditActor; scope: TCaller };

async function assertTenants(workspaceId: string, ids: string[]) {
  const n = await db().tenant.count({ where: { workspaceId, id: { in: ids } } });
  if (n !== new Set(ids).size) throw badRequest("One of the tenants doesn't exist.", { tenantIds: "Pick tenants of this workspace." });
}

export async function createWebhook(ctx: TCtx & { input: z.infer<typeof ZWebhookCreate> }) {
  const { input } = ctx;
  assertReach(ctx.scope, input, "This webhook");
  if (!input.hasAllTenants) await assertTenants(ctx.workspaceId, input.tenantIds);
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const id = crypto.randomUUID(); // chosen here: the sealed secret is bound to its row
  return db().$transaction(async (tx) => {
    const w = await tx.webhookEndpoint.create({
      data: {
        id,
        workspaceId: ctx.workspaceId,
        url: input.url,
        description: input.description,
        events: [...new Set(input.events)],
        hasAllTenants: input.hasAllTenants,
        tenantIds: input.hasAllTenants ? [] : [...new Set(input.tenantIds)],
        sealedSecret: sealValue(secret, "generic", { workspaceId: ctx.workspaceId, rowId: id }),
        createdByEmail: ctx.actor.email,
      },
      select: endpointSelect,
    });
    await writeAudit(tx, ctx.actor, {
      action: "webhook.create",
      targetType: "webhook",
      targetId: w.id,
      detail: { url: w.url, events: w.events },
    });
    return { webhook: w, secret };
  });
}

/** Endpoints no wider than the caller: a limited caller doesn't see all-tenant ones or other tenants'. */
export async function listWebhooks(workspaceId: string, scope: Pick<TScope, "hasAllTenants" | "tenantIds">) {
  const hooks = (
    await db().webhookEndpoint.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" }, select: endpointSelect })
  ).filter((h) => withinReach(scope, h));
  if (!hooks.length) return [];
  const stats = await db().webhookDelivery.groupBy({
    by: ["endpointId", "status"],
    where: { workspaceId, endpointId: { in: hooks.map((h) => h.id) } },
    _count: { _all: true },
  });
  return hooks.map((h) => ({
    ...h,
    deliveries: Object.fromEntries(stats.filter((s) => s.endpointId === h.id).map((s) => [s.status, s._count._all])),
  }));
}

async function own(workspaceId: string, id: string) {
  const w = await db().webhookEndpoint.findFirst({
    where: { id, workspaceId },
    select: { id: true, url: true, hasAllTenants: true, tenantIds: true },
  });
  if (!w) throw notFound("Webhook");
  return w;
}

/** The endpoint, if the caller may change it (the scope rule lives in assertReach). */
/** An endpoint the caller may change: another tenant's answers like a missing one; one that reaches every tenant needs an all-tenant owner or admin. */
export async function ownForWrite(ctx: Pick<TCtx, "workspaceId" | "scope">, id: string) {
  const w = await own(ctx.workspaceId, id);
  if (!w.hasAllTenants && !withinReach(ctx.scope, w)) throw notFound("Webhook");
  assertReach(ctx.scope, w, "This webhook");
  return w;
}

export async function updateWebhook(ctx: TCtx & { id: string; input: z.infer<typeof ZWebhookUpdate> }) {
  await ownForWrite(ctx, ctx.id);
  return db().$transaction(async (tx) => {
    const w = await tx.webhookEndpoint.update({ where: { id: ctx.id }, data: ctx.input, select: endpointSelect });
    await writeAudit(tx, ctx.actor, {
      action: "webhook.update",
      targetType: "webhook",
      targetId: ctx.id,
      detail: { fields: Object.keys(ctx.input) },
    });
    return w;
  });
}

export async function deleteWebhook(ctx: TCtx & { id: string }) {
  const w = await ownForWrite(ctx, ctx.id);
  await db().$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id: ctx.id } });
    await writeAudit(tx, ctx.actor, { action: "webhook.delete", targetType: "webhook", targetId: ctx.id, detail: { url: w.url } });
  });
}

/** A "webhook.test" delivery, so the receiver can be checked before real events flow. */
export async function sendTestEvent(ctx: TCtx & { id: string }) {
  await ownForWrite(ctx, ctx.id);
  const id = crypto.randomUUID();
  await db().webhookDelivery.create({
    data: {
      id,
      workspaceId: ctx.workspaceId,
      endpointId: ctx.id,
      eventType: "webhook.test",
      payload: {
        id,
        type: "webhook.test",
        occurredAt: new Date().toISOString(),
        workspaceId: ctx.workspaceId,
        tenantId: null,
        data: { message: "Consentry can reach this endpoint." },
      },
    },
  });
  return { deliveryId: id };
}

export async function listDeliveries(
  workspaceId: string,
  endpointId: string,
  scope: Pick<TScope, "hasAllTenants" | "tenantIds">,
  take = 50,
) {
  // Reads are trimmed like the list: wider than the caller answers like a missing one.
  if (!withinReach(scope, await own(workspaceId, endpointId))) throw notFound("Webhook");
  return db().webhookDelivery.findMany({
    where: { workspaceId, endpointId },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      eventType: true,
      status: true,
      attempts: true,
      lastStatusCode: true,
      lastError: true,
      nextAttemptAt: true,
      deliveredAt: true,
      createdAt: true,
    },
  });
}

/** Sends a delivery again (failed, or delivered but lost by the receiver), as soon as possible. */
export async function redeliver(ctx: TCtx & { endpointId: string; deliveryId: string }) {
  await ownForWrite(ctx, ctx.endpointId);
  const r = await db().webhookDelivery.updateMany({
    where: { id: ctx.deliveryId, endpointId: ctx.endpointId, workspaceId: ctx.workspaceId, status: { in: ["failed", "delivered"] } },
    data: { status: "pending", attempts: 0, nextAttemptAt: new Date(), lastError: null },
  });
  if (r.count !== 1) {
    await own(ctx.workspaceId, ctx.endpointId);
    throw notFound("Delivery");
  }
}
