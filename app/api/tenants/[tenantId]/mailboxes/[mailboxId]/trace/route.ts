// The mailbox's trace: GET the switch and the kept transcripts (redacted when recorded); PUT
// { on } turns the switch on for an hour or off (audited). Never holds a token or mail content.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { mailboxTraces, setMailboxTrace } from "@/lib/trace/mailbox-trace";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const body = z.object({ on: z.boolean() }).strict();

export const GET = mailboxRoute({ params }, async ({ ref }) => mailboxTraces(ref));

export const PUT = mailboxRoute({ params, body, can: "connect_mailboxes" }, async ({ scope, ref, body: b }) =>
  setMailboxTrace(ref, b.on, auditActor(scope)),
);
