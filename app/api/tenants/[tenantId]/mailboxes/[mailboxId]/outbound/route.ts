// A mailbox's outbox: what is queued, sent or failed; staff can queue a message too, and retry
// every failed one after fixing the cause.
import { NextResponse } from "next/server";
import { z } from "zod";
import { route, ZId } from "@/lib/http/route";
import { assertCan, assertTenantAccess } from "@/lib/auth/guard";
import { notFound } from "@/lib/core/errors";
import { writeAudit, auditActor } from "@/lib/audit/write-audit";
import { db } from "@/lib/db/client";
import { ZOutboundInput } from "@/lib/outbound/compose";
import { enqueueOutbound, listOutbound, retryAllFailed } from "@/lib/outbound/queue";

const params = z.object({ tenantId: ZId, mailboxId: ZId });
const ctxOf = (workspaceId: string, p: z.infer<typeof params>) => ({ workspaceId, tenantId: p.tenantId, mailboxId: p.mailboxId });

async function assertMailbox(workspaceId: string, p: z.infer<typeof params>) {
  const m = await db().mailbox.findFirst({ where: { id: p.mailboxId, workspaceId, tenantId: p.tenantId }, select: { id: true } });
  if (!m) throw notFound("Mailbox");
}

export const GET = route({ params, query: z.object({ status: z.enum(["queued", "sending", "sent", "failed", "cancelled"]).optional() }) }, async ({ scope, params: p, query }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  await assertMailbox(scope.workspaceId, p);
  const messages = await listOutbound(ctxOf(scope.workspaceId, p), { status: query.status });
  const counts = await db().outboundMessage.groupBy({ by: ["status"], where: ctxOf(scope.workspaceId, p), _count: { _all: true } });
  return { messages, counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) };
});

export const POST = route({ params, body: ZOutboundInput, maxBodyBytes: 1024 * 1024 }, async ({ scope, params: p, body }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  const { message } = await enqueueOutbound(ctxOf(scope.workspaceId, p), body, { createdVia: `staff:${scope.email}` });
  await writeAudit(db(), auditActor(scope), { action: "outbound.queue", targetType: "mailbox", targetId: p.mailboxId, tenantId: p.tenantId, detail: { outboundId: message.id, recipients: message.recipients.length } });
  return NextResponse.json({ message }, { status: 202 });
});

/** Retry every failed message (after the cause is fixed). */
export const PATCH = route({ params, body: z.object({ action: z.literal("retry_failed") }).strict() }, async ({ scope, params: p }) => {
  assertTenantAccess(scope, p.tenantId, "Mailbox");
  assertCan(scope, "connect_mailboxes");
  await assertMailbox(scope.workspaceId, p);
  const n = await retryAllFailed(ctxOf(scope.workspaceId, p));
  await writeAudit(db(), auditActor(scope), { action: "outbound.retry_failed", targetType: "mailbox", targetId: p.mailboxId, tenantId: p.tenantId, detail: { count: n } });
  return { requeued: n };
});
