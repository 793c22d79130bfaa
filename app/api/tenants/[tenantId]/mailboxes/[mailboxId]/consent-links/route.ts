// "Send consent link": a single-purpose, expiring link for the mailbox owner or delegate, copied
// or emailed through the workspace's notifier mailbox.
import { NextResponse } from "next/server";
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { createMailboxConsentLink } from "@/lib/consent/consent-links";
import { emailConsentLink, requireNotifier } from "@/lib/notify/notifier";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z
  .object({
    days: z.number().int().min(1, "At least 1 day.").max(30, "At most 30 days.").optional(),
    emailTo: z.string().trim().toLowerCase().email("Enter an email address.").max(254).optional(),
  })
  .strict();

export const POST = mailboxRoute({ params, body, can: "connect_mailboxes" }, async ({ scope, params: p, body: b }) => {
  if (b?.emailTo) await requireNotifier(scope);
  const actor = auditActor(scope);
  const { appRegistrationId, signInAs, address, ...link } = await createMailboxConsentLink({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId, actor, days: b?.days });
  const email = b?.emailTo ? await emailConsentLink({ workspaceId: scope.workspaceId, actor, to: b.emailTo, link, kind: "user", tenantId: p.tenantId, appRegistrationId, mailboxAddress: address, signInAs }) : undefined;
  return NextResponse.json({ link, email }, { status: 201 });
});
