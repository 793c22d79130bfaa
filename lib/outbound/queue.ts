import "server-only";
// The outbound queue: helpdesks (REST API) and staff enqueue; workers send. A message is composed
// once, so every retry sends the same bytes with the same Message-ID. An Idempotency-Key makes a
// client's retried request enqueue once.
import { db, Prisma } from "../db/client";
import { badRequest, conflict, notFound } from "../core/errors";
import { scopeWhere, type TMailboxRef, type TWorkspaceScope } from "../core/scope";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { composeMime, type TOutboundInput } from "./compose";

type TCtx = TMailboxRef;

export const outboundSelect = {
  id: true,
  mailboxId: true,
  tenantId: true,
  recipients: true,
  subject: true,
  internetMessageId: true,
  idempotencyKey: true,
  createdVia: true,
  status: true,
  attempts: true,
  lastErrorCode: true,
  lastError: true,
  nextAttemptAt: true,
  sentAt: true,
  createdAt: true,
} as const;

/** `actor`: staff queueing from the dashboard; the audit line is written in the same transaction. */
export async function enqueueOutbound(
  ctx: TCtx,
  input: TOutboundInput,
  opts: { idempotencyKey?: string; createdVia: string; actor?: TAuditActor },
) {
  const mb = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: { address: true, replyTo: true, signature: true, outbound: true, state: true },
  });
  if (!mb) throw notFound("Mailbox");
  if (mb.outbound === "none") throw badRequest(`${mb.address} has no outbound protocol: set SMTP or Graph on the mailbox first.`);
  // A paused mailbox (state disabled) still queues: the workers hold its mail until it is resumed.
  if (opts.idempotencyKey) {
    const prior = await db().outboundMessage.findFirst({
      where: { mailboxId: ctx.mailboxId, idempotencyKey: opts.idempotencyKey, workspaceId: ctx.workspaceId },
      select: outboundSelect,
    });
    if (prior) return { message: prior, replayed: true };
  }
  const { raw, messageId, recipients } = await composeMime(mb, input);
  try {
    const message = await db().$transaction(async (tx) => {
      const message = await tx.outboundMessage.create({
        data: {
          ...ctx,
          recipients,
          subject: input.subject,
          rawMime: new Uint8Array(raw),
          internetMessageId: messageId,
          idempotencyKey: opts.idempotencyKey ?? null,
          createdVia: opts.createdVia,
        },
        select: outboundSelect,
      });
      if (opts.actor)
        await writeAudit(tx, opts.actor, {
          action: "outbound.queue",
          targetType: "mailbox",
          targetId: ctx.mailboxId,
          tenantId: ctx.tenantId,
          detail: { outboundId: message.id, recipients: message.recipients.length },
        });
      return message;
    });
    return { message, replayed: false };
  } catch (err) {
    // Two concurrent requests with one key: the loser answers with the winner's row.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002" && opts.idempotencyKey) {
      const prior = await db().outboundMessage.findFirst({
        where: { mailboxId: ctx.mailboxId, idempotencyKey: opts.idempotencyKey },
        select: outboundSelect,
      });
      if (prior) return { message: prior, replayed: true };
    }
    throw err;
  }
}

export async function listOutbound(
  ctx: TCtx,
  opts: { status?: "queued" | "sending" | "sent" | "failed" | "cancelled"; take?: number } = {},
) {
  return db().outboundMessage.findMany({
    where: {
      workspaceId: ctx.workspaceId,
      tenantId: ctx.tenantId,
      mailboxId: ctx.mailboxId,
      ...(opts.status ? { status: opts.status } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 50,
    select: outboundSelect,
  });
}

/** The mailbox page's outbox: the latest messages and a count per status. */
export async function getOutbox(ctx: TCtx, opts: { status?: "queued" | "sending" | "sent" | "failed" | "cancelled" } = {}) {
  const messages = await listOutbound(ctx, { status: opts.status });
  const counts = await db().outboundMessage.groupBy({ by: ["status"], where: ctx, _count: { _all: true } });
  return { messages, counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) };
}

export async function getOutbound(scope: TWorkspaceScope, id: string) {
  return db().outboundMessage.findFirst({ where: { id, ...scopeWhere(scope) }, select: outboundSelect });
}

/** Puts a failed (or cancelled) message back in the queue, due now. */
export async function retryOutbound(ctx: TCtx, id: string, actor?: TAuditActor) {
  await db().$transaction(async (tx) => {
    const r = await tx.outboundMessage.updateMany({
      where: { id, ...ctx, status: { in: ["failed", "cancelled"] } },
      data: { status: "queued", nextAttemptAt: new Date(), attempts: 0, lastErrorCode: null, lastError: null },
    });
    if (r.count !== 1) await explainNoChange(ctx, id, "Only a failed or cancelled message can be retried.");
    if (actor)
      await writeAudit(tx, actor, { action: "outbound.retry", targetType: "outbound_message", targetId: id, tenantId: ctx.tenantId });
  });
}

/** Cancels a message that hasn't gone out yet. */
export async function cancelOutbound(ctx: TCtx, id: string, actor?: TAuditActor) {
  await db().$transaction(async (tx) => {
    const r = await tx.outboundMessage.updateMany({
      where: { id, ...ctx, status: { in: ["queued", "failed"] } },
      data: { status: "cancelled" },
    });
    if (r.count !== 1)
      await explainNoChange(ctx, id, "Only a queued or failed message can be cancelled (one being sent or already sent can't).");
    if (actor)
      await writeAudit(tx, actor, { action: "outbound.cancel", targetType: "outbound_message", targetId: id, tenantId: ctx.tenantId });
  });
}

async function explainNoChange(ctx: TCtx, id: string, message: string): Promise<never> {
  const exists = await db().outboundMessage.findFirst({ where: { id, ...ctx }, select: { id: true } });
  if (!exists) throw notFound("Message");
  throw conflict(message);
}

/** After the cause is fixed (SMTP AUTH turned on, SendAs granted): every failed message again. */
export async function retryAllFailed(ctx: TCtx, actor?: TAuditActor) {
  return db().$transaction(async (tx) => {
    const r = await tx.outboundMessage.updateMany({
      where: { ...ctx, status: "failed" },
      data: { status: "queued", nextAttemptAt: new Date(), attempts: 0, lastErrorCode: null, lastError: null },
    });
    if (actor)
      await writeAudit(tx, actor, {
        action: "outbound.retry_failed",
        targetType: "mailbox",
        targetId: ctx.mailboxId,
        tenantId: ctx.tenantId,
        detail: { count: r.count },
      });
    return r.count;
  });
}
