// "Send test email": sends from the mailbox to a chosen address, and waits for it in the mailbox's
// folder when that address is the mailbox itself.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { sendTestEmail } from "@/lib/checks/test-email";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z.object({ to: z.string().trim().toLowerCase().email("Enter an email address.").max(254) }).strict();

export const POST = mailboxRoute({ params, body, can: "connect_mailboxes" }, async ({ scope, ref, body: b }) => {
  return { result: await sendTestEmail(ref, b.to, { actor: auditActor(scope) }) };
});
