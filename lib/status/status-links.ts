import "server-only";
// Read-only status pages for a customer's admin: one tenant's mailboxes, what is broken and the
// fix, with no Consentry account. The link is 256 random bits (only its hash is stored),
// expires, and can be revoked. The page shows no ids, tokens, secrets or mail.
import { z } from "zod";
import { db } from "../db/client";
import { env } from "../env";
import { notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { hashToken, newToken, tokenPurpose } from "../consent/secure-token";
import { listAllMailboxes } from "../mailboxes/list-all-mailboxes";
import { describe } from "../diagnostics/describe";
import type { TTenantRef } from "../core/scope";

export const ZStatusLinkCreate = z
  .object({ label: z.string().trim().max(100).default(""), days: z.number().int().min(1).max(365).default(30) })
  .strict();

type TCtx = TTenantRef;
const linkSelect = {
  id: true,
  label: true,
  createdByEmail: true,
  expiresAt: true,
  revokedAt: true,
  lastViewedAt: true,
  createdAt: true,
} as const;
const urlOf = (token: string) => `${env().CONSENTRY_PUBLIC_URL.replace(/\/$/, "")}/status/${token}`;

export async function createStatusLink(ctx: TCtx & { actor: TAuditActor; input: z.infer<typeof ZStatusLinkCreate> }) {
  const t = await db().tenant.findFirst({ where: { id: ctx.tenantId, workspaceId: ctx.workspaceId }, select: { id: true } });
  if (!t) throw notFound("Tenant");
  const token = newToken("status_link");
  const expiresAt = new Date(Date.now() + ctx.input.days * 86_400_000);
  const link = await db().$transaction(async (tx) => {
    const l = await tx.statusLink.create({
      data: {
        workspaceId: ctx.workspaceId,
        tenantId: ctx.tenantId,
        tokenHash: hashToken(token),
        label: ctx.input.label,
        createdByEmail: ctx.actor.email,
        expiresAt,
      },
      select: linkSelect,
    });
    await writeAudit(tx, ctx.actor, {
      action: "status_link.create",
      targetType: "tenant",
      targetId: ctx.tenantId,
      tenantId: ctx.tenantId,
      detail: { label: l.label, expiresAt: expiresAt.toISOString() },
    });
    return l;
  });
  return { link, url: urlOf(token) };
}

export async function listStatusLinks(ctx: TCtx) {
  const t = await db().tenant.findFirst({ where: { id: ctx.tenantId, workspaceId: ctx.workspaceId }, select: { id: true } });
  if (!t) throw notFound("Tenant");
  return db().statusLink.findMany({
    where: { workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    orderBy: { createdAt: "desc" },
    select: linkSelect,
  });
}

export async function revokeStatusLink(ctx: TCtx & { id: string; actor: TAuditActor }) {
  await db().$transaction(async (tx) => {
    const r = await tx.statusLink.updateMany({
      where: { id: ctx.id, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (r.count !== 1) {
      const exists = await tx.statusLink.findFirst({
        where: { id: ctx.id, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
        select: { id: true },
      });
      if (!exists) throw notFound("Status link");
      return;
    }
    await writeAudit(tx, ctx.actor, {
      action: "status_link.revoke",
      targetType: "tenant",
      targetId: ctx.tenantId,
      tenantId: ctx.tenantId,
      detail: { linkId: ctx.id },
    });
  });
}

export type TStatusState = "ok" | "invalid" | "expired" | "revoked";

const PLAIN: Record<string, string> = {
  connected: "Working",
  degraded: "Partly working",
  failing: "Not working",
  needs_reconsent: "Needs you to sign in again",
  pending_consent: "Waiting for consent",
  disabled: "Paused",
};

/** The public page's content, or why there is none. A malformed or unknown token is "invalid". */
export async function resolveStatusLink(token: string) {
  if (tokenPurpose(token) !== "status_link") return { state: "invalid" as TStatusState, view: null };
  const link = await db().statusLink.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      workspaceId: true,
      tenantId: true,
      expiresAt: true,
      revokedAt: true,
      workspace: { select: { name: true } },
      tenant: { select: { displayName: true, orgConsents: { select: { consentedAt: true }, orderBy: { consentedAt: "desc" }, take: 1 } } },
    },
  });
  if (!link) return { state: "invalid" as TStatusState, view: null };
  if (link.revokedAt) return { state: "revoked" as TStatusState, view: null };
  if (link.expiresAt.getTime() <= Date.now()) return { state: "expired" as TStatusState, view: null };
  await db().statusLink.update({ where: { id: link.id }, data: { lastViewedAt: new Date() } });
  const mailboxes = (
    await listAllMailboxes({ workspaceId: link.workspaceId, scope: { hasAllTenants: false, tenantIds: [link.tenantId] } })
  ).filter((m) => m.tenantId === link.tenantId);
  const soon = new Date(Date.now() + 30 * 86_400_000);
  const expiringSecrets = await db().appSecret.findMany({
    where: { workspaceId: link.workspaceId, status: "active", expiresAt: { lte: soon }, appRegistration: { tenantId: link.tenantId } },
    select: { expiresAt: true, appRegistration: { select: { displayName: true } } },
  });
  return {
    state: "ok" as TStatusState,
    view: {
      msp: link.workspace.name,
      tenant: link.tenant.displayName,
      // The latest organization consent of any of the tenant's apps (recorded per app).
      organizationConsent: link.tenant.orgConsents[0]?.consentedAt ?? null,
      expiresAt: link.expiresAt,
      mailboxes: mailboxes.map((m) => {
        const d = describe(m.stateCode);
        return {
          address: m.address,
          kind: m.kind,
          state: m.state,
          stateLabel: PLAIN[m.state] ?? m.state,
          problem: d?.isKnown ? { title: d.title, cause: d.cause, fixSteps: d.fixSteps } : null,
          checks: m.checks ? { at: m.checks.at, steps: m.checks.steps.map((s) => ({ protocol: s.protocol, ok: s.ok })) } : null,
          lastSyncAt: m.lastSyncAt,
        };
      }),
      expiringSecrets: expiringSecrets.map((s) => ({ app: s.appRegistration.displayName, expiresAt: s.expiresAt })),
    },
  };
}
