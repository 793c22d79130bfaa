import "server-only";
// Consent links for every mailbox that needs one (waiting for consent or needing re-consent) in the
// given tenants: after a bulk import, or "re-consent everything that needs it" on a tenant. Each
// gets a new link (older outstanding ones revoked); with `send`, the links are emailed to whoever
// signs in (the user, or a shared mailbox's delegate) through the notifier mailbox's outbound
// queue, the staff-alert mail path, so the request returns at once and the worker sends them.
import { db } from "../db/client";
import type { TScope } from "../auth/session";
import { assertCan, assertTenantAccess } from "../auth/guard";
import { notFound } from "../core/errors";
import { auditActor, writeAudit } from "../audit/write-audit";
import { createMailboxConsentLink, revokeConsentLink } from "../consent/consent-links";
import { composeConsentLinkMail, requireNotifier } from "../notify/notifier";
import { enqueueOutbound } from "../outbound/queue";
import { ZOutboundInput } from "../outbound/compose";

export const MAX_BULK_LINKS = 1000;

export async function bulkConsentLinks(scope: TScope, opts: { tenantIds: string[]; days?: number; send?: boolean }) {
  for (const t of opts.tenantIds) assertTenantAccess(scope, t);
  assertCan(scope, "connect_mailboxes");
  // Tenants of another workspace (or none) are a 404 like tenants outside the scope.
  const known = await db().tenant.count({ where: { id: { in: opts.tenantIds }, workspaceId: scope.workspaceId } });
  if (known !== new Set(opts.tenantIds).size) throw notFound("Tenant");
  const notifier = opts.send ? await requireNotifier(scope) : null;
  const actor = auditActor(scope);
  const mailboxes = await db().mailbox.findMany({
    where: {
      workspaceId: scope.workspaceId,
      tenantId: { in: opts.tenantIds },
      appRegistrationId: { not: null },
      state: { in: ["pending_consent", "needs_reconsent"] },
      OR: [{ kind: "user" }, { delegateUpn: { not: null } }],
    },
    orderBy: [{ tenantId: "asc" }, { address: "asc" }],
    take: MAX_BULK_LINKS,
    select: { id: true, tenantId: true, address: true, tenant: { select: { displayName: true } } },
  });
  const out: {
    tenant: string;
    mailboxId: string;
    address: string;
    signInAs: string;
    url: string;
    expiresAt: Date;
    emailed: boolean;
  }[] = [];
  for (const m of mailboxes) {
    const ref = { workspaceId: scope.workspaceId, tenantId: m.tenantId, mailboxId: m.id };
    const older = await db().consentRequest.findMany({
      where: { ...ref, linkTokenHash: { not: null }, status: "pending" },
      select: { id: true },
    });
    const link = await createMailboxConsentLink({ ...ref, actor, days: opts.days });
    for (const o of older) await revokeConsentLink({ workspaceId: ref.workspaceId, tenantId: ref.tenantId, id: o.id, actor });
    let emailed = false;
    if (notifier) {
      const mail = await composeConsentLinkMail({
        workspaceId: scope.workspaceId,
        actor,
        to: link.signInAs,
        link,
        kind: "user",
        tenantId: m.tenantId,
        appRegistrationId: link.appRegistrationId,
        mailboxAddress: link.address,
        signInAs: link.signInAs,
      });
      await enqueueOutbound(
        { workspaceId: scope.workspaceId, tenantId: notifier.tenantId, mailboxId: notifier.id },
        ZOutboundInput.parse({ to: [link.signInAs], subject: mail.subject, text: mail.text, html: mail.html, signature: false }),
        { createdVia: "consent_link:bulk" },
      );
      emailed = true;
    }
    out.push({
      tenant: m.tenant.displayName,
      mailboxId: m.id,
      address: m.address,
      signInAs: link.signInAs,
      url: link.url,
      expiresAt: link.expiresAt,
      emailed,
    });
  }
  for (const t of opts.tenantIds)
    await writeAudit(db(), actor, {
      action: "consent_link.bulk",
      targetType: "tenant",
      targetId: t,
      tenantId: t,
      detail: { links: out.filter((o) => mailboxes.find((m) => m.id === o.mailboxId)?.tenantId === t).length, emailed: !!notifier },
    });
  return { links: out, truncated: mailboxes.length === MAX_BULK_LINKS };
}
