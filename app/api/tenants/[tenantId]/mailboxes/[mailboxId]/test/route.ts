// "Test connection": signs in over each protocol the mailbox uses and reports each step with its
// diagnosis. Never returns a token.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { testMailboxConnection } from "@/lib/mailboxes/connection-test";
import { writeAudit, auditActor } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref }) => {
  const result = await testMailboxConnection(ref);
  await writeAudit(db(), auditActor(scope), { action: "mailbox.test_connection", targetType: "mailbox", targetId: ref.mailboxId, tenantId: ref.tenantId, detail: { ok: result.ok } });
  return { result };
});
