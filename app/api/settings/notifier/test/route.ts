// Sends a test email through the notifier mailbox, so a broken sender shows up before a customer
// waits for a link that never arrives.
import { z } from "zod";
import { route } from "@/lib/http/route";
import { assertCan } from "@/lib/auth/guard";
import { auditActor, writeAudit } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";
import { requireNotifier } from "@/lib/notify/notifier";
import { sendFromMailbox } from "@/lib/outbound/send-from-mailbox";

const body = z.object({ to: z.string().trim().toLowerCase().email("Enter an email address.").max(254) }).strict();

export const POST = route({ body }, async ({ scope, body: b }) => {
  assertCan(scope, "manage_tenants");
  const n = await requireNotifier(scope);
  const result = await sendFromMailbox({ workspaceId: scope.workspaceId, tenantId: n.tenantId, mailboxId: n.id }, { to: b.to, subject: "Consentry test email", text: `This is a test from Consentry's notifier mailbox (${n.address}). Consent links will be sent from this address.` });
  await writeAudit(db(), auditActor(scope), { action: "settings.notifier_test", targetType: "mailbox", targetId: n.id, detail: { to: b.to, result: result.ok ? "sent" : result.diagnosis.code } });
  return { result };
});
