// A mailbox's outbox: what is queued, sent or failed; staff can queue a message too, and retry
// every failed one after fixing the cause.
import { NextResponse } from "next/server";
import { z } from "zod";
import { ZId } from "@/lib/http/route";
import { mailboxRoute } from "@/lib/http/mailbox-route";
import { auditActor } from "@/lib/audit/write-audit";
import { ZOutboundInput } from "@/lib/outbound/compose";
import { enqueueOutbound, getOutbox, retryAllFailed } from "@/lib/outbound/queue";

const params = z.object({ tenantId: ZId, mailboxId: ZId });

export const GET = mailboxRoute(
  { params, query: z.object({ status: z.enum(["queued", "sending", "sent", "failed", "cancelled"]).optional() }) },
  async ({ ref, query }) => {
    return getOutbox(ref, { status: query.status });
  },
);

export const POST = mailboxRoute(
  { params, body: ZOutboundInput, maxBodyBytes: 1024 * 1024, can: "connect_mailboxes" },
  async ({ scope, ref, body }) => {
    const { message } = await enqueueOutbound(ref, body, { createdVia: `staff:${scope.email}`, actor: auditActor(scope) });
    return NextResponse.json({ message }, { status: 202 });
  },
);

/** Retry every failed message (after the cause is fixed). */
export const PATCH = mailboxRoute(
  { params, body: z.object({ action: z.literal("retry_failed") }).strict(), can: "connect_mailboxes" },
  async ({ scope, ref }) => {
    return { requeued: await retryAllFailed(ref, auditActor(scope)) };
  },
);
