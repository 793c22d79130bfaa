import "server-only";
// "Send consent link" and "Request organization consent": create the link, and email it through the
// notifier mailbox when asked (moved from the route handlers). The notifier is checked before the
// link exists, so a missing notifier doesn't leave an unsent link behind.
import type { TScope } from "../auth/session";
import { auditActor } from "../audit/write-audit";
import type { TMailboxRef, TTenantRef } from "../core/scope";
import { createAdminConsentLink, createMailboxConsentLink } from "../consent/consent-links";
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
