// "Test connection": signs in over each protocol the mailbox uses and reports each step with its
// diagnosis. Never returns a token.
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { testMailboxConnection } from "@/lib/checks/connection-test";
import { writeAudit, auditActor } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = route({ params }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  const result = await testMailboxConnection({ workspaceId: scope.workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId });
  await writeAudit(db(), auditActor(scope), { action: "mailbox.test_connection", targetType: "mailbox", targetId: p.mailboxId, tenantId: p.tenantId, detail: { ok: result.ok } });
  return { result };
});
