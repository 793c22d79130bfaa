import "server-only";
// Shareable consent links for a customer admin (organization consent) or a mailbox owner or
// delegate (user consent). Signed by unguessability: 256 random bits, only the hash is stored.
import { db } from "../db/client";
import { isAppOnlyProfile } from "../microsoft/scope-profiles";
import type { Prisma } from "../db/generated/client";
import { env } from "../env";
import { notFound, badRequest, conflict } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { hashToken, newToken, tokenPurpose } from "./secure-token";
import { forTenantWhere } from "../core/scope";
import type { TMailboxRef } from "../core/scope";
import { expectedUserOf } from "./expected-user";

export const DEFAULT_LINK_DAYS = 7;

function linkUrl(token: string) {
  return `${env().CONSENTRY_PUBLIC_URL.replace(/\/$/, "")}/consent/${token}`;
}

export async function createMailboxConsentLink(opts: TMailboxRef & { actor: TAuditActor; days?: number }) {
  const mb = await db().mailbox.findFirst({ where: { id: opts.mailboxId, workspaceId: opts.workspaceId, tenantId: opts.tenantId } });
  if (!mb) throw notFound("Mailbox");
  if (!mb.appRegistrationId) throw badRequest("Pick an app registration for this mailbox first.");
  const app = await db().appRegistration.findFirst({
    where: { id: mb.appRegistrationId, workspaceId: opts.workspaceId },
    select: { scopeProfile: true },
  });
  // No user signs in for an app-only app: its mailbox follows the app-only checklist instead.
  if (app && isAppOnlyProfile(app.scopeProfile))
    throw badRequest(
      "This app connects mailboxes with its own identity (app-only): there is no user to send a consent link to. Use the mailbox's app-only checklist.",
    );
  const expectedUpn = expectedUserOf(mb);
  const token = newToken("user_link");
  const expiresAt = new Date(Date.now() + (opts.days ?? DEFAULT_LINK_DAYS) * 86_400_000);
  const req = await db().$transaction(async (tx) => {
    const r = await tx.consentRequest.create({
      data: {
        workspaceId: opts.workspaceId,
        tenantId: opts.tenantId,
        mailboxId: mb.id,
        appRegistrationId: mb.appRegistrationId!,
        kind: "user",
        expectedUpn,
        linkTokenHash: hashToken(token),
        linkCreatedBy: opts.actor.email,
        expiresAt,
      },
    });
    await writeAudit(tx, opts.actor, {
      action: "consent_link.create",
      targetType: "mailbox",
      targetId: mb.id,
      tenantId: opts.tenantId,
      detail: { kind: "user", linkId: r.id, expiresAt: expiresAt.toISOString() },
    });
    return r;
  });
  return {
    id: req.id,
    url: linkUrl(token),
    expiresAt,
    appRegistrationId: mb.appRegistrationId,
    signInAs: req.expectedUpn ?? mb.address,
    address: mb.address,
  };
}

export async function createAdminConsentLink(opts: {
  workspaceId: string;
  tenantId: string;
  appRegistrationId: string;
  actor: TAuditActor;
  days?: number;
}) {
  const app = await db().appRegistration.findFirst({
    where: { id: opts.appRegistrationId, workspaceId: opts.workspaceId, ...forTenantWhere(opts.tenantId) },
  });
  if (!app) throw badRequest("Pick an app registration usable in this tenant.", { appRegistrationId: "Unknown app." });
  const token = newToken("admin_link");
  const expiresAt = new Date(Date.now() + (opts.days ?? DEFAULT_LINK_DAYS) * 86_400_000);
  const req = await db().$transaction(async (tx) => {
    const r = await tx.consentRequest.create({
      data: {
        workspaceId: opts.workspaceId,
        tenantId: opts.tenantId,
        appRegistrationId: app.id,
        kind: "admin",
        linkTokenHash: hashToken(token),
        linkCreatedBy: opts.actor.email,
        expiresAt,
      },
    });
    await writeAudit(tx, opts.actor, {
      action: "consent_link.create",
      targetType: "tenant",
      targetId: opts.tenantId,
      tenantId: opts.tenantId,
      detail: { kind: "admin", linkId: r.id, appRegistrationId: app.id, expiresAt: expiresAt.toISOString() },
    });
    return r;
  });
  return { id: req.id, url: linkUrl(token), expiresAt };
}

/** Withdraws a link at once: its landing page says so, and a sign-in already started from it
 *  can't finish (its attempts are revoked too). A used link stays used. */
export async function revokeConsentLink(opts: { workspaceId: string; tenantId: string; id: string; actor: TAuditActor }) {
  const where = { id: opts.id, workspaceId: opts.workspaceId, tenantId: opts.tenantId, linkTokenHash: { not: null } };
  await db().$transaction(async (tx) => {
    const link = await tx.consentRequest.findFirst({ where, select: { id: true, kind: true, status: true, mailboxId: true } });
    if (!link) throw notFound("Consent link");
    if (link.status === "completed") throw conflict("This link was already used: access was granted with it.");
    if (link.status === "revoked") return;
    await tx.consentRequest.updateMany({
      where: { ...where, status: { not: "completed" } },
      data: { status: "revoked", stateExpiresAt: new Date(0) },
    });
    // With a result already set, a callback for these attempts only shows it (see handle-callback).
    await tx.consentRequest.updateMany({
      where: { linkRequestId: link.id, workspaceId: opts.workspaceId, status: "pending" },
      data: {
        status: "revoked",
        stateExpiresAt: new Date(0),
        resultCode: "link_revoked",
        resultDetail: {
          title: "This link was withdrawn",
          cause: "Your IT provider cancelled this request while you were signing in. Nothing was granted.",
          fixSteps: ["Ask them for a new link if you still need to grant access."],
          retryable: false,
        },
      },
    });
    await writeAudit(tx, opts.actor, {
      action: "consent_link.revoke",
      targetType: link.mailboxId ? "mailbox" : "tenant",
      targetId: link.mailboxId ?? opts.tenantId,
      tenantId: opts.tenantId,
      detail: { kind: link.kind, linkId: link.id },
    });
  });
}

/** Called in the transaction that records a successful attempt: the link is now used. */
export async function completeLinkOf(tx: Prisma.TransactionClient, attempt: { linkRequestId: string | null }) {
  if (!attempt.linkRequestId) return;
  await tx.consentRequest.updateMany({
    where: { id: attempt.linkRequestId, status: "pending" },
    data: { status: "completed", usedAt: new Date() },
  });
}

export type TLinkState = "ok" | "invalid" | "expired" | "used" | "revoked" | "unusable";

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
  const state: TLinkState =
    req.status === "revoked"
      ? "revoked"
      : req.status === "completed"
        ? "used"
        : req.expiresAt < new Date()
          ? "expired"
          : // A user link without an expected user (made before its shared mailbox's delegate was cleared)
            // would accept anyone's grant: it is never started.
            req.kind === "user" && !req.expectedUpn
            ? "unusable"
            : "ok";
  return { state, request: req };
}
