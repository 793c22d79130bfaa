// "Send consent link": a single-purpose, expiring link for the mailbox owner or delegate, copied
// or emailed through the workspace's notifier mailbox.
import { NextResponse } from "next/server";
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { deliverMailboxConsentLink } from "@/lib/notify/deliver-consent-link";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z
  .object({
    days: z.number().int().min(1, "At least 1 day.").max(30, "At most 30 days.").optional(),
    emailTo: z.string().trim().toLowerCase().email("Enter an email address.").max(254).optional(),
  })
  .strict();

export const POST = mailboxRoute({ params, body, can: "connect_mailboxes" }, async ({ scope, ref, body: b }) => {
  return NextResponse.json(await deliverMailboxConsentLink(scope, ref, b), { status: 201 });
});
