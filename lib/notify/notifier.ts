import "server-only";
// The workspace's notifier mailbox: a connected mailbox (usually the MSP's own) that emails
// consent links to customers. Emails carry the link and who asks for what; never a token.
import { db } from "../db/client";
import { badRequest, notFound } from "../core/errors";
import { auditActor, writeAudit, type TAuditActor } from "../audit/write-audit";
import type { TScope } from "../auth/session";
import { assertWorkspaceWide, canAccessTenant } from "../auth/guard";
import { azurePermissions } from "../microsoft/scope-profiles";
import { sendFromMailbox, type TSendResult } from "../outbound/send-from-mailbox";

type TWs = { workspaceId: string };
const notifierSelect = {
  id: true,
  address: true,
  tenantId: true,
  outbound: true,
  state: true,
  tenant: { select: { displayName: true } },
} as const;

export async function getNotifier({ workspaceId }: TWs) {
  const ws = await db().workspace.findUnique({
    where: { id: workspaceId },
    select: { name: true, notifierMailbox: { select: notifierSelect } },
  });
  return ws?.notifierMailbox ?? null;
}

/** The notifier as a caller may read it: a mailbox of a tenant outside a limited caller's is only
 *  "set" (its address, id and tenant belong to that tenant). */
export async function notifierFor(scope: Pick<TScope, "workspaceId" | "hasAllTenants" | "tenantIds">) {
  const n = await getNotifier(scope);
  if (!n || canAccessTenant(scope, n.tenantId)) return n;
  return { id: null, address: null, tenantId: null, outbound: n.outbound, state: n.state, tenant: null };
}

/** Mailboxes that can send: connected, with SMTP or Graph outbound, in the caller's tenants. */
export async function listNotifierCandidates(scope: Pick<TScope, "workspaceId" | "hasAllTenants" | "tenantIds">) {
  const rows = await db().mailbox.findMany({
    where: { workspaceId: scope.workspaceId, state: "connected", outbound: { not: "none" }, grant: { isNot: null } },
    select: notifierSelect,
    orderBy: { address: "asc" },
  });
  return rows.filter((m) => canAccessTenant(scope, m.tenantId));
}

export async function setNotifier(opts: { scope: TScope; actor: TAuditActor; mailboxId: string | null }) {
  assertWorkspaceWide(opts.scope, "The notifier mailbox sends for every tenant");
  if (opts.mailboxId) {
    const mb = await db().mailbox.findFirst({
      where: { id: opts.mailboxId, workspaceId: opts.scope.workspaceId },
      select: { ...notifierSelect, grant: { select: { id: true } } },
    });
    if (!mb || !canAccessTenant(opts.scope, mb.tenantId)) throw notFound("Mailbox");
    if (mb.outbound === "none")
      throw badRequest("This mailbox has no outbound protocol.", { mailboxId: "Set its outbound to SMTP or Graph first." });
    if (!mb.grant || mb.state !== "connected")
      throw badRequest("This mailbox isn't connected.", { mailboxId: "Connect it first, then pick it." });
  }
  await db().$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: opts.scope.workspaceId }, data: { notifierMailboxId: opts.mailboxId } });
    await writeAudit(tx, opts.actor, {
      action: "settings.notifier",
      targetType: "workspace",
      targetId: opts.scope.workspaceId,
      detail: { mailboxId: opts.mailboxId },
    });
  });
  return getNotifier(opts.scope);
}

export type TEmailOutcome =
  { ok: true; to: string; from: string } | { ok: false; to: string; diagnosis: Extract<TSendResult, { ok: false }>["diagnosis"] };

/** Fails with a field error before anything is created when no notifier is set. */
export async function requireNotifier(ws: TWs) {
  const n = await getNotifier(ws);
  if (!n)
    throw badRequest("No notifier mailbox is set, so Consentry can't email links.", {
      emailTo: "Pick a notifier mailbox under Settings → Notifications, or copy the link instead.",
    });
  return n;
}

type TConsentMailOpts = {
  workspaceId: string;
  actor: TAuditActor;
  to: string;
  link: { url: string; expiresAt: Date };
  kind: "user" | "admin";
  tenantId: string;
  appRegistrationId: string;
  mailboxAddress?: string;
  /** The account that must sign in (the mailbox or its delegate). */
  signInAs?: string;
};

/** The consent-link email (subject, text, html): sent at once by emailConsentLink, or queued for
 *  many links at once by bulk onboarding (lib/onboarding/bulk-consent.ts). */
export async function composeConsentLinkMail(opts: TConsentMailOpts) {
  const ws = await db().workspace.findUniqueOrThrow({ where: { id: opts.workspaceId }, select: { name: true } });
  const tenant = await db().tenant.findFirstOrThrow({
    where: { id: opts.tenantId, workspaceId: opts.workspaceId },
    select: { displayName: true },
  });
  const app = await db().appRegistration.findFirstOrThrow({
    where: { id: opts.appRegistrationId, workspaceId: opts.workspaceId },
    select: { scopeProfile: true },
  });
  const tenantName = tenant.displayName;
  const permissions = azurePermissions(app.scopeProfile).map((p) => p.name);
  const what = opts.kind === "admin" ? `grant ${ws.name} consent for ${tenantName}` : `connect ${opts.mailboxAddress} to ${ws.name}`;
  const subject =
    opts.kind === "admin"
      ? `Action needed: approve ${ws.name}'s mail access for ${tenantName}`
      : `Action needed: connect ${opts.mailboxAddress}`;
  const expires = opts.link.expiresAt.toUTCString();
  const perms = permissions;
  const text = [
    `Hello,`,
    ``,
    `${opts.actor.email} at ${ws.name} asks you to ${what}.`,
    opts.kind === "admin"
      ? `You'll sign in with a Global Administrator account of ${tenantName} and approve the permissions for your organization.`
      : `Sign in as ${opts.signInAs ?? opts.to} on Microsoft's page and accept; another account will be refused.`,
    ``,
    `Permissions: ${perms.join(", ")}`,
    ``,
    `Open this link (it works until access is granted, and expires ${expires}):`,
    opts.link.url,
    ``,
    `You don't need a ${ws.name} or Consentry account. If you didn't expect this, ignore it.`,
  ].join("\n");
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const html = `<p>Hello,</p><p>${esc(opts.actor.email)} at ${esc(ws.name)} asks you to ${esc(what)}.</p><p>Permissions: ${perms.map(esc).join(", ")}</p><p><a href="${esc(opts.link.url)}">Open the consent page</a> (it works until access is granted, and expires ${esc(expires)}).</p><p style="color:#64748b">You don't need a ${esc(ws.name)} or Consentry account. If you didn't expect this, ignore it.</p>`;
  return { subject, text, html };
}

export async function emailConsentLink(opts: TConsentMailOpts): Promise<TEmailOutcome> {
  const n = await requireNotifier(opts);
  const { subject, text, html } = await composeConsentLinkMail(opts);
  const sent = await sendFromMailbox(
    { workspaceId: opts.workspaceId, tenantId: n.tenantId, mailboxId: n.id },
    { to: opts.to, subject, text, html },
  );
  await writeAudit(db(), opts.actor, {
    action: "consent_link.email",
    targetType: "consent_link",
    detail: { to: opts.to, from: n.address, result: sent.ok ? "sent" : sent.diagnosis.code },
  });
  return sent.ok ? { ok: true, to: opts.to, from: sent.from } : { ok: false, to: opts.to, diagnosis: sent.diagnosis };
}

/** Settings → "Send test email" through the notifier mailbox, audited (moved from the route handler). */
export async function sendNotifierTest(scope: TScope, to: string) {
  assertWorkspaceWide(scope, "The notifier mailbox sends for every tenant");
  const n = await requireNotifier(scope);
  const result = await sendFromMailbox(
    { workspaceId: scope.workspaceId, tenantId: n.tenantId, mailboxId: n.id },
    {
      to,
      subject: "Consentry test email",
      text: `This is a test from Consentry's notifier mailbox (${n.address}). Consent links will be sent from this address.`,
    },
  );
  await writeAudit(db(), auditActor(scope), {
    action: "settings.notifier_test",
    targetType: "mailbox",
    targetId: n.id,
    detail: { to, result: result.ok ? "sent" : result.diagnosis.code },
  });
  return result;
}
