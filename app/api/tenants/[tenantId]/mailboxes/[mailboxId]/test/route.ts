// "Test connection": signs in over each protocol the mailbox uses and reports each step with its
// diagnosis. Never returns a token.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { testMailboxConnection } from "@/lib/checks/connection-test";
import { auditActor } from "@/lib/audit/write-audit";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref }) => {
  return { result: await testMailboxConnection(ref, { actor: auditActor(scope) }) };
});
