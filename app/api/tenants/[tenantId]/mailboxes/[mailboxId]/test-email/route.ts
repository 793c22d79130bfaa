// "Send test email": sends from the mailbox to a chosen address, and waits for it in the mailbox's
// folder when that address is the mailbox itself.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { writeAudit, auditActor } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/core/errors";
import { sendTestEmail } from "@/lib/mailboxes/test-email";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z.object({ to: z.string().trim().toLowerCase().email("Enter an email address.").max(254) }).strict();

export const POST = mailboxRoute({ params, body, can: "connect_mailboxes" }, async ({ scope, ref, mailbox, body: b }) => {
  if (!mailbox.grant) throw notFound("Mailbox");
  const result = await sendTestEmail(ref, b.to);
  await writeAudit(db(), auditActor(scope), { action: "mailbox.test_email", targetType: "mailbox", targetId: ref.mailboxId, tenantId: ref.tenantId, detail: { to: b.to, ok: result.ok } });
  return { result };
});
