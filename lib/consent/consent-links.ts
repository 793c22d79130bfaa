import "server-only";
// Shareable consent links for a customer admin (organization consent) or a mailbox owner or
// delegate (user consent). Signed by unguessability: 256 random bits, only the hash is stored.
import { db } from "../db/client";
import { env } from "../env";
import { notFound, badRequest } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { hashToken, newToken, tokenPurpose } from "./secure-token";
import { forTenantWhere } from "../core/scope";
import type { TMailboxRef } from "../core/scope";

export const DEFAULT_LINK_DAYS = 7;

function linkUrl(token: string) {
  return `${env().CONSENTRY_PUBLIC_URL.replace(/\/$/, "")}/consent/${token}`;
}

export async function createMailboxConsentLink(opts: TMailboxRef & { actor: TAuditActor; days?: number }) {
  const mb = await db().mailbox.findFirst({ where: { id: opts.mailboxId, workspaceId: opts.workspaceId, tenantId: opts.tenantId } });
  if (!mb) throw notFound("Mailbox");
  if (!mb.appRegistrationId) throw badRequest("Pick an app registration for this mailbox first.");
  const token = newToken("user_link");
  const expiresAt = new Date(Date.now() + (opts.days ?? DEFAULT_LINK_DAYS) * 86_400_000);
  const req = await db().$transaction(async (tx) => {
    const r = await tx.consentRequest.create({
      data: { workspaceId: opts.workspaceId, tenantId: opts.tenantId, mailboxId: mb.id, appRegistrationId: mb.appRegistrationId!, kind: "user", expectedUpn: mb.kind === "shared" ? mb.delegateUpn : mb.address, linkTokenHash: hashToken(token), expiresAt },
    });
    await writeAudit(tx, opts.actor, { action: "consent_link.create", targetType: "mailbox", targetId: mb.id, tenantId: opts.tenantId, detail: { kind: "user", expiresAt: expiresAt.toISOString() } });
    return r;
  });
  return { id: req.id, url: linkUrl(token), expiresAt, appRegistrationId: mb.appRegistrationId, signInAs: req.expectedUpn ?? mb.address, address: mb.address };
}

export async function createAdminConsentLink(opts: { workspaceId: string; tenantId: string; appRegistrationId: string; actor: TAuditActor; days?: number }) {
  const app = await db().appRegistration.findFirst({ where: { id: opts.appRegistrationId, workspaceId: opts.workspaceId, ...forTenantWhere(opts.tenantId) } });
  if (!app) throw badRequest("Pick an app registration usable in this tenant.", { appRegistrationId: "Unknown app." });
  const token = newToken("admin_link");
  const expiresAt = new Date(Date.now() + (opts.days ?? DEFAULT_LINK_DAYS) * 86_400_000);
  const req = await db().$transaction(async (tx) => {
    const r = await tx.consentRequest.create({ data: { workspaceId: opts.workspaceId, tenantId: opts.tenantId, appRegistrationId: app.id, kind: "admin", linkTokenHash: hashToken(token), expiresAt } });
    await writeAudit(tx, opts.actor, { action: "consent_link.create", targetType: "tenant", targetId: opts.tenantId, tenantId: opts.tenantId, detail: { kind: "admin", expiresAt: expiresAt.toISOString() } });
    return r;
  });
  return { id: req.id, url: linkUrl(token), expiresAt };
}

export type TLinkState = "ok" | "invalid" | "expired" | "used" | "revoked";

/** What the public landing page may show. A malformed, unknown or tampered token is "invalid". */
export async function resolveConsentLink(token: string) {
  const purpose = tokenPurpose(token);
  if (purpose !== "user_link" && purpose !== "admin_link") return { state: "invalid" as TLinkState, request: null };
  const req = await db().consentRequest.findUnique({
    where: { linkTokenHash: hashToken(token) },
    include: {
      workspace: { select: { name: true } },
      tenant: { select: { displayName: true, primaryDomain: true, directoryId: true } },
      mailbox: { select: { address: true, kind: true, delegateUpn: true } },
      appRegistration: { select: { displayName: true, clientId: true, scopeProfile: true } },
    },
  });
  if (!req || (purpose === "admin_link") !== (req.kind === "admin")) return { state: "invalid" as TLinkState, request: null };
  const state: TLinkState = req.status === "revoked" ? "revoked" : req.status === "completed" ? "used" : req.expiresAt < new Date() ? "expired" : "ok";
  return { state, request: req };
}
