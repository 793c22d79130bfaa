// "Refresh token now" / "Retry now": redeems the grant's refresh token at once and reports the
// classified outcome. Never returns a token.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { refreshMailboxToken } from "@/lib/checks/refresh-token";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref }) =>
  refreshMailboxToken(ref, auditActor(scope)),
);
