// One outbound message: retry it (failed or cancelled) or cancel it (not yet sent).
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { cancelOutbound, retryOutbound } from "@/lib/outbound/queue";

const params = z.object({ tenantId: ZId, mailboxId: ZId, outboundId: ZId });

// A foreign or missing mailbox answers like a missing message: the id in question is the message's.
export const PATCH = mailboxRoute(
  { params, body: z.object({ action: z.enum(["retry", "cancel"]) }).strict(), can: "connect_mailboxes", what: "Message" },
  async ({ scope, ref, params: p, body }) => {
    if (body.action === "retry") await retryOutbound(ref, p.outboundId, auditActor(scope));
    else await cancelOutbound(ref, p.outboundId, auditActor(scope));
    return { ok: true };
  },
);
