import "server-only";
// "Send consent link" and "Request organization consent": create the link, and email it through the
// notifier mailbox when asked (moved from the route handlers). The notifier is checked before the
// link exists, so a missing notifier doesn't leave an unsent link behind.
import type { TScope } from "../auth/session";
import { auditActor } from "../audit/write-audit";
import type { TMailboxRef, TTenantRef } from "../core/scope";
import { conflict, notFound } from "../core/errors";
import { db } from "../db/client";
import { createAdminConsentLink, createMailboxConsentLink, revokeConsentLink } from "../consent/consent-links";
import { emailConsentLink, requireNotifier } from "./notifier";

export async function deliverMailboxConsentLink(scope: TScope, ref: TMailboxRef, b: { days?: number; emailTo?: string } | undefined) {
  if (b?.emailTo) await requireNotifier(scope);
  const actor = auditActor(scope);
  const { appRegistrationId, signInAs, address, ...link } = await createMailboxConsentLink({ ...ref, actor, days: b?.days });
  const email = b?.emailTo
    ? await emailConsentLink({
        workspaceId: ref.workspaceId,
        actor,
        to: b.emailTo,
        link,
        kind: "user",
        tenantId: ref.tenantId,
        appRegistrationId,
        mailboxAddress: address,
        signInAs,
      })
    : undefined;
  return { link, email };
}

export async function deliverAdminConsentLink(
  scope: TScope,
  ref: TTenantRef,
  b: { appRegistrationId: string; days?: number; emailTo?: string },
) {
  if (b.emailTo) await requireNotifier(scope);
  const actor = auditActor(scope);
  const link = await createAdminConsentLink({ ...ref, appRegistrationId: b.appRegistrationId, actor, days: b.days });
  const email = b.emailTo
    ? await emailConsentLink({
        workspaceId: ref.workspaceId,
        actor,
        to: b.emailTo,
        link,
        kind: "admin",
        tenantId: ref.tenantId,
        appRegistrationId: b.appRegistrationId,
      })
    : undefined;
  return { link, email };
}

/** A new link for the same mailbox (or the same app's organization consent), emailed when asked;
 *  the old one is revoked once the new one exists. An expired link can be resent; a used one can't. */
export async function resendConsentLink(scope: TScope, ref: TTenantRef & { linkId: string; days?: number; emailTo?: string }) {
  const old = await db().consentRequest.findFirst({
    where: { id: ref.linkId, workspaceId: ref.workspaceId, tenantId: ref.tenantId, linkTokenHash: { not: null } },
    select: { id: true, kind: true, status: true, mailboxId: true, appRegistrationId: true },
  });
  if (!old) throw notFound("Consent link");
  if (old.status === "completed") throw conflict("This link was already used: access was granted with it.");
  const b = { days: ref.days, emailTo: ref.emailTo };
  const out =
    old.kind === "user" && old.mailboxId
      ? await deliverMailboxConsentLink(scope, { workspaceId: ref.workspaceId, tenantId: ref.tenantId, mailboxId: old.mailboxId }, b)
      : await deliverAdminConsentLink(
          scope,
          { workspaceId: ref.workspaceId, tenantId: ref.tenantId },
          { ...b, appRegistrationId: old.appRegistrationId },
        );
  if (old.status === "pending")
    await revokeConsentLink({ workspaceId: ref.workspaceId, tenantId: ref.tenantId, id: old.id, actor: auditActor(scope) });
  return { ...out, replaced: old.id };
}
