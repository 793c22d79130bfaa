import "server-only";
// Batch storing for a sync round, kept as one function in its own file: every reader hands it the
// messages it fetched, and it stores each once.
import { db } from "../db/client";
import type { TCtx, TIncoming, TMailboxRow } from "./bookkeeping";

export type TStorer = ReturnType<typeof storer>;

// Stores batches once each: by source key (UIDVALIDITY+UID or Graph id) and, across a UIDVALIDITY
// reset or a delta resync, by Internet Message-ID.
export function storer(ctx: TCtx, mb: TMailboxRow, onBatch?: () => Promise<boolean>) {
  const s = {
    stored: 0,
    skipped: 0,
    async save(batch: TIncoming[]): Promise<void> {
      if (batch.length === 0) return;
      const ids = batch.map((m) => m.internetMessageId).filter((x): x is string => !!x);
      const known = ids.length ? new Set((await db().message.findMany({ where: { mailboxId: ctx.mailboxId, internetMessageId: { in: ids } }, select: { internetMessageId: true } })).map((m) => m.internetMessageId)) : new Set<string | null>();
      const fresh = batch.filter((m) => !m.internetMessageId || !known.has(m.internetMessageId));
      const r = await db().message.createMany({
        data: fresh.map((m) => ({ workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, mailboxId: ctx.mailboxId, sourceKey: m.sourceKey, folder: mb.folder, internetMessageId: m.internetMessageId, fromAddress: m.fromAddress, subject: m.subject?.slice(0, 998) ?? null, size: m.raw.length, receivedAt: m.receivedAt, rawMime: new Uint8Array(m.raw) })),
        skipDuplicates: true,
      });
      s.stored += r.count;
      s.skipped += batch.length - r.count;
      if (onBatch && !(await onBatch())) throw new LeaseLost();
    },
  };
  return s;
}

/** Thrown by a batch when the worker's lease on the mailbox is gone: the round stops quietly. */
export class LeaseLost extends Error {
  constructor() {
    super("lease lost to another worker");
  }
}
