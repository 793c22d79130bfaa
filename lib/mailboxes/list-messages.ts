import "server-only";
// What the worker pulled from a mailbox, newest first: headers only, never the raw MIME.
import { db } from "../db/client";
import type { TMailboxRef } from "../core/scope";

export async function listMessages(ctx: TMailboxRef & { limit: number; q?: string }) {
  const where = {
    workspaceId: ctx.workspaceId,
    tenantId: ctx.tenantId,
    mailboxId: ctx.mailboxId,
    ...(ctx.q
      ? {
          OR: [
            { subject: { contains: ctx.q, mode: "insensitive" as const } },
            { fromAddress: { contains: ctx.q, mode: "insensitive" as const } },
          ],
        }
      : {}),
  };
  const [messages, total] = await Promise.all([
    db().message.findMany({
      where,
      orderBy: { receivedAt: "desc" },
      take: ctx.limit,
      select: { id: true, subject: true, fromAddress: true, receivedAt: true, size: true, folder: true },
    }),
    db().message.count({ where: { workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, mailboxId: ctx.mailboxId } }),
  ]);
  return { messages, total };
}
