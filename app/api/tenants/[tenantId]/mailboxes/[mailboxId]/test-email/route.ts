// "Send test email": sends from the mailbox to a chosen address, and waits for it in the mailbox's
// folder when that address is the mailbox itself.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { writeAudit, auditActor } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/http/errors";
import { sendTestEmail } from "@/lib/checks/test-email";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z.object({ to: z.string().trim().toLowerCase().email("Enter an email address.").max(254) }).strict();

export const POST = route({ params, body }, async ({ scope, params: p, body: b }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  const exists = await db().mailbox.count({ where: { id: p.mailboxId, workspaceId: scope.workspaceId, tenantId: p.tenantId, grant: { isNot: null } } });
  if (!exists) throw notFound("Mailbox");
  const result = await sendTestEmail({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId }, b.to);
  await writeAudit(db(), auditActor(scope), { action: "mailbox.test_email", targetType: "mailbox", targetId: p.mailboxId, tenantId: p.tenantId, detail: { to: b.to, ok: result.ok } });
  return { result };
});
