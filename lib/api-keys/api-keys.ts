import "server-only";
// Keys for the REST API (/api/v1): a helpdesk or an RMM tool uses one instead of a staff session.
// Only a SHA-256 of the key is stored (the key is random, so a plain hash is enough); the key is
// shown once. A key can be read-only, limited to tenants, expiring, and revoked at any time.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../db/client";
import { badRequest, notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { assertReach, assertWorkspaceWide, isWorkspaceWide, withinReach } from "../auth/guard";
import type { TScope } from "../auth/session";

type TCaller = Pick<TScope, "staffUserId" | "role" | "hasAllTenants" | "tenantIds">;

export const API_KEY_SCOPES = ["read", "send"] as const;
export type TApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const ZApiKeyCreate = z
  .object({
    name: z.string().trim().min(1, "Name the key after what uses it.").max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "Pick at least one permission.").max(2),
    // Required: a missing field must never mean "every tenant".
    hasAllTenants: z.boolean({ error: "Choose all tenants or pick tenants." }),
    tenantIds: z.array(z.string().uuid()).max(500).default([]),
    expiresInDays: z.number().int().min(1).max(730).nullable().default(null),
  })
  .strict()
  .refine((v) => v.hasAllTenants || v.tenantIds.length > 0, {
    message: "Pick the tenants this key may use, or allow all tenants.",
    path: ["tenantIds"],
  });
export type TApiKeyCreate = z.infer<typeof ZApiKeyCreate>;

export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

const keySelect = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  hasAllTenants: true,
  tenantIds: true,
  createdById: true,
  createdByEmail: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

export async function createApiKey(ctx: { workspaceId: string; actor: TAuditActor; scope: TCaller; input: TApiKeyCreate }) {
  const { input } = ctx;
  // A key never reaches further than the person who makes it.
  assertReach(ctx.scope, input, "This key");
  if (!input.hasAllTenants) {
    const found = await db().tenant.count({ where: { workspaceId: ctx.workspaceId, id: { in: input.tenantIds } } });
    if (found !== new Set(input.tenantIds).size)
      throw badRequest("One of the tenants doesn't exist.", { tenantIds: "Pick tenants of this workspace." });
  }
  const key = `csk_${randomBytes(24).toString("base64url")}`;
  return db().$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        workspaceId: ctx.workspaceId,
        name: input.name,
        prefix: key.slice(0, 12),
        keyHash: hashApiKey(key),
        scopes: [...new Set(input.scopes)],
        hasAllTenants: input.hasAllTenants,
        tenantIds: input.hasAllTenants ? [] : [...new Set(input.tenantIds)],
        createdById: ctx.actor.staffUserId ?? null,
        createdByEmail: ctx.actor.email,
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      },
      select: keySelect,
    });
    await writeAudit(tx, ctx.actor, {
      action: "api_key.create",
      targetType: "api_key",
      targetId: row.id,
      detail: { name: row.name, prefix: row.prefix, scopes: row.scopes, hasAllTenants: row.hasAllTenants, tenantIds: row.tenantIds },
    });
    return { apiKey: row, key };
  });
}

/** Others' keys and all-tenant keys are revoked only by an all-tenant owner or admin. */
const canRevoke = (scope: TCaller, k: { createdById: string | null; hasAllTenants: boolean; tenantIds: string[] }) =>
  isWorkspaceWide(scope) || (k.createdById === scope.staffUserId && withinReach(scope, k));

/** Keys no wider than the caller (a limited caller doesn't see all-tenant keys or other tenants'), each with whether the caller may revoke it. */
export async function listApiKeys(workspaceId: string, scope: TCaller) {
  const rows = await db().apiKey.findMany({
    where: { workspaceId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: keySelect,
  });
  return rows.filter((k) => withinReach(scope, k)).map((k) => ({ ...k, canRevoke: canRevoke(scope, k) }));
}

export async function revokeApiKey(ctx: { workspaceId: string; id: string; actor: TAuditActor; scope: TCaller }) {
  await db().$transaction(async (tx) => {
    const k = await tx.apiKey.findFirst({
      where: { id: ctx.id, workspaceId: ctx.workspaceId },
      select: { name: true, prefix: true, revokedAt: true, createdById: true, hasAllTenants: true, tenantIds: true },
    });
    // Another tenant's key answers exactly like a missing one; an all-tenant key, or someone
    // else's, is refused by name (the webhooks' ownForWrite rule).
    if (!k || (!k.hasAllTenants && !withinReach(ctx.scope, k))) throw notFound("API key");
    assertReach(ctx.scope, k, "This key");
    if (k.createdById !== ctx.scope.staffUserId) assertWorkspaceWide(ctx.scope, "This key was made by someone else");
    if (k.revokedAt) return;
    await tx.apiKey.update({ where: { id: ctx.id }, data: { revokedAt: new Date() } });
    await writeAudit(tx, ctx.actor, {
      action: "api_key.revoke",
      targetType: "api_key",
      targetId: ctx.id,
      detail: { name: k.name, prefix: k.prefix },
    });
  });
}

export type TApiScope = {
  workspaceId: string;
  keyId: string;
  prefix: string;
  scopes: TApiKeyScope[];
  hasAllTenants: boolean;
  tenantIds: string[];
};

/** The key's scope, or null for a missing, unknown, revoked or expired key (one answer for all). */
export async function authenticateApiKey(key: string | null): Promise<TApiScope | null> {
  if (!key || !/^csk_[A-Za-z0-9_-]{32}$/.test(key)) return null;
  const k = await db().apiKey.findUnique({
    where: { keyHash: hashApiKey(key) },
    select: {
      id: true,
      workspaceId: true,
      prefix: true,
      scopes: true,
      hasAllTenants: true,
      tenantIds: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
    },
  });
  if (!k || k.revokedAt || (k.expiresAt && k.expiresAt.getTime() <= Date.now())) return null;
  // lastUsedAt at minute granularity: one write a minute per key, not one per request.
  if (!k.lastUsedAt || Date.now() - k.lastUsedAt.getTime() > 60_000)
    await db().apiKey.update({ where: { id: k.id }, data: { lastUsedAt: new Date() } });
  return {
    workspaceId: k.workspaceId,
    keyId: k.id,
    prefix: k.prefix,
    scopes: k.scopes.filter((s): s is TApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s)),
    hasAllTenants: k.hasAllTenants,
    tenantIds: k.tenantIds,
  };
}
