// Pause (POST) and resume (DELETE) a mailbox: paused, its grant stays refreshed but nothing syncs
// or sends; outbound mail is held until the resume.
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { pauseMailbox, resumeMailbox } from "@/lib/mailboxes/pause";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const POST = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref }) => ({
  mailbox: await pauseMailbox({ ...ref, actor: auditActor(scope) }),
}));

export const DELETE = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref }) => ({
  mailbox: await resumeMailbox({ ...ref, actor: auditActor(scope) }),
}));
