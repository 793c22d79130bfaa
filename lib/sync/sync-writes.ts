import "server-only";
// What a sync round writes besides messages: its progress in the mailbox's sync state, and events.
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { TCtx, TSyncState } from "./bookkeeping";

export async function saveState(ctx: TCtx, st: TSyncState) {
  await db().mailbox.update({ where: { id: ctx.mailboxId }, data: { syncState: st as Prisma.InputJsonValue } });
}

export async function syncEvent(
  ctx: TCtx,
  level: "info" | "warn" | "error",
  code: string,
  message: string,
  detail: Record<string, unknown>,
) {
  await db().event.create({ data: { ...ctx, level, code, message, detail: detail as Prisma.InputJsonValue } });
}
