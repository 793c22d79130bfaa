import "server-only";
// Batch storing for a sync round, kept as one function in its own file: every reader hands it the
// messages it fetched, and it stores each once. One bad message never blocks the rest: if the
// batch insert fails, rows go one by one, and a row that still fails is kept as its summary with a
// note instead of its content (and a diagnosis in the event log), so sync moves past it.
import { db } from "../db/client";
import { redact } from "../microsoft/parse-error";
import { bareSummary, mib, withoutRefusableHeaders, type TCtx, type TIncoming, type TLimits, type TMailboxRow } from "./bookkeeping";
import { syncEvent } from "./sync-writes";
import { isOwnTestMail } from "../mail/test-mail";

export type TStorer = ReturnType<typeof storer>;

// Stores batches once each: by source key (UIDVALIDITY+UID or Graph id) and, across a UIDVALIDITY
// reset or a delta resync, by Internet Message-ID.
export function storer(ctx: TCtx, mb: TMailboxRow, limits: TLimits, onBatch?: () => Promise<boolean>) {
  const row = (m: TIncoming) => ({
    workspaceId: ctx.workspaceId,
    tenantId: ctx.tenantId,
    mailboxId: ctx.mailboxId,
    sourceKey: m.sourceKey,
    folder: mb.folder,
    internetMessageId: m.internetMessageId,
    fromAddress: m.fromAddress,
    subject: m.subject?.slice(0, 998) ?? null,
    size: m.size,
    receivedAt: m.receivedAt,
    rawMime: new Uint8Array(m.raw),
  });
  const insert = async (m: TIncoming[]) => (await db().message.createMany({ data: m.map(row), skipDuplicates: true })).count;
  const s = {
    stored: 0,
    skipped: 0,
    /** Source keys stored without their content: after-processing must leave the original alone. */
    unkept: new Set<string>(),
    /** Consentry's own test mail seen (X-Consentry-Test): never stored, never after-processed. */
    testMail: 0,
    async save(all: TIncoming[]): Promise<void> {
      if (all.length === 0) return;
      // Test mail isn't the helpdesk's: not stored (so no REST API row, webhook or Mail card line),
      // and left where it is for the read-back that removes it.
      const batch = all.filter((m) => {
        if (!isOwnTestMail(m.raw)) return true;
        s.unkept.add(m.sourceKey);
        s.testMail += 1;
        return false;
      });
      if (batch.length === 0) {
        if (onBatch && !(await onBatch())) throw new LeaseLost();
        return;
      }
      const ids = batch.map((m) => m.internetMessageId).filter((x): x is string => !!x);
      const known = ids.length
        ? new Set(
            (
              await db().message.findMany({
                where: { mailboxId: ctx.mailboxId, internetMessageId: { in: ids } },
                select: { internetMessageId: true },
              })
            ).map((m) => m.internetMessageId),
          )
        : new Set<string | null>();
      const fresh = batch.filter((m) => !m.internetMessageId || !known.has(m.internetMessageId));
      let count: number;
      try {
        count = await insert(fresh);
      } catch {
        count = 0;
        for (const m of fresh) count += await saveOne(m);
      }
      s.stored += count;
      s.skipped += batch.length - count;
      for (const m of fresh.filter((x) => x.tooLarge)) {
        s.unkept.add(m.sourceKey);
        await syncEvent(
          ctx,
          "warn",
          "message_too_large",
          `Stored the summary of a ${mib(m.size)} message without its content (over the ${mib(limits.maxMessageBytes)} limit).`,
          { sourceKey: m.sourceKey, size: m.size },
        );
      }
      if (onBatch && !(await onBatch())) throw new LeaseLost();
    },
  };
  async function saveOne(m: TIncoming): Promise<number> {
    try {
      return await insert([m]);
    } catch (err) {
      // First without the header values PostgreSQL may have refused, keeping the content; then as
      // a bare summary with a note.
      let n: number;
      let kept = true;
      try {
        n = await insert([withoutRefusableHeaders(m)]);
      } catch {
        kept = false;
        n = await insert([bareSummary(m, "the database refused it")]);
        s.unkept.add(m.sourceKey);
      }
      await syncEvent(
        ctx,
        "warn",
        "message_not_stored",
        kept
          ? "Stored a message without the header values the database refused; the messages after it synced normally."
          : "Stored the summary of a message the database refused, without its content; the messages after it synced normally.",
        { sourceKey: m.sourceKey, size: m.size, contentKept: kept, error: redact((err as Error).message ?? "").slice(0, 300) },
      );
      return n;
    }
  }
  return s;
}

/** Of these source keys, the stored rows whose content wasn't kept (too large or refused): their
 *  row holds a note, so its MIME's length differs from the original's size. */
export async function unkeptSourceKeys(mailboxId: string, keys: string[]): Promise<string[]> {
  if (!keys.length) return [];
  return (
    await db().$queryRaw<
      { sourceKey: string }[]
    >`SELECT "sourceKey" FROM "Message" WHERE "mailboxId" = ${mailboxId} AND "sourceKey" = ANY(${keys}) AND "purgedAt" IS NULL AND octet_length("rawMime") <> "size"`
  ).map((r) => r.sourceKey);
}

/** Thrown by a batch when the worker's lease on the mailbox is gone: the round stops quietly. */
export class LeaseLost extends Error {
  constructor() {
    super("lease lost to another worker");
  }
}
