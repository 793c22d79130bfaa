import "server-only";
// What a sync round writes besides messages: its progress in the mailbox's sync state, and events.
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import type { TCtx, TSyncState } from "./bookkeeping";

// A round run under a worker's lease writes its sync state only while it still holds the lease
// (the fencing token): a worker paused past its lease that wakes up can't move the cursor back
// under the worker that took over. Keyed by the round's ctx object (passed unchanged to readers).
const fences = new WeakMap<TCtx, string>();

/** Makes this round's sync state writes conditional on `workerId` still holding the mailbox's lease. */
export function fenceWrites(ctx: TCtx, workerId: string) {
  fences.set(ctx, workerId);
}

export async function saveState(ctx: TCtx, st: TSyncState) {
  const owner = fences.get(ctx);
  if (owner)
    await db().mailbox.updateMany({ where: { id: ctx.mailboxId, leaseOwner: owner }, data: { syncState: st as Prisma.InputJsonValue } });
  else await db().mailbox.update({ where: { id: ctx.mailboxId }, data: { syncState: st as Prisma.InputJsonValue } });
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
