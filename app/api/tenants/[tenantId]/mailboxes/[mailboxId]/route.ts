// One mailbox: read (with its token info panel), change settings, remove.
import { NextResponse } from "next/server";
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { deleteMailbox, updateMailbox } from "@/lib/mailboxes/manage-mailboxes";
import { getMailboxDetail } from "@/lib/health/get-mailbox-detail";
import { ZMailboxUpdate } from "@/lib/mailboxes/schemas";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const GET = mailboxRoute({ params }, async ({ scope, ref, mailbox }) => getMailboxDetail(scope, ref, mailbox));

export const PATCH = mailboxRoute({ params, body: ZMailboxUpdate, can: "connect_mailboxes" }, async ({ scope, ref, body }) => {
  return { mailbox: await updateMailbox({ ...ref, actor: auditActor(scope), input: body }) };
});

export const DELETE = mailboxRoute({ params, can: "connect_mailboxes" }, async ({ scope, ref }) => {
  await deleteMailbox({ ...ref, actor: auditActor(scope) });
  return new NextResponse(null, { status: 204 });
});
