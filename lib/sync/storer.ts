import "server-only";
// Batch storing for a sync round, kept as one function in its own file: every reader hands it the
// messages it fetched, and it stores each once. One bad message never blocks the rest: if the
// batch insert fails, rows go one by one, and a row that still fails is kept as its summary with a
// note instead of its content (and a diagnosis in the event log), so sync moves past it.
import { randomUUID } from "node:crypto";
import { db } from "../db/client";
import { pgPool } from "../db/pg-pool";
import { redact } from "../microsoft/parse-error";
import { bareSummary, mib, withoutRefusableHeaders, type TCtx, type TIncoming, type TLimits, type TMailboxRow } from "./bookkeeping";
import { syncEvent } from "./sync-writes";
import { isOwnTestMailTag, testMailTagOf } from "../mail/test-mail";

export type TStorer = ReturnType<typeof storer>;

// Stores batches once each: by source key (UIDVALIDITY+UID or Graph id) and, across a UIDVALIDITY
// reset or a delta resync, by Internet Message-ID.
export function storer(ctx: TCtx, mb: TMailboxRow, limits: TLimits, onBatch?: () => Promise<boolean>) {
  // One parameterised INSERT per batch, sent through the plain pg pool (the Prisma client's
  // argument handling was the sync's largest CPU cost: it carries bytes as base64 through its
  // query engine). The raw MIME goes as a binary bytea parameter straight from the fetched buffer
  // (no copy, no hex or base64). A row whose Message-ID this mailbox already holds is left out in
  // the same statement (a UIDVALIDITY reset or delta resync), and ON CONFLICT on (mailboxId,
  // sourceKey) makes a batch stored again after a dropped connection insert nothing twice. The
  // AFTER INSERT trigger that queues message.received webhooks fires per row as before.
  const insert = async (batch: TIncoming[]): Promise<Set<string>> => {
    if (!batch.length) return new Set();
    const params: unknown[] = [ctx.workspaceId, ctx.tenantId, ctx.mailboxId, mb.folder];
    const rows: string[] = [];
    for (const m of batch) {
      const n = params.length;
      rows.push(
        `($${n + 1}::text,$${n + 2}::text,$${n + 3}::text,$${n + 4}::text,$${n + 5}::text,$${n + 6}::int,$${n + 7}::timestamptz,$${n + 8}::bytea)`,
      );
      params.push(
        randomUUID(),
        m.sourceKey,
        m.internetMessageId,
        m.fromAddress,
        m.subject?.slice(0, 998) ?? null,
        m.size,
        m.receivedAt.toISOString(),
        m.raw,
      );
    }
    // Message-IDs this mailbox already holds, looked up once for the batch (one index probe per
    // value), not as a subquery per row.
    params.push(batch.map((m) => m.internetMessageId).filter((x): x is string => x !== null));
    const r = await pgPool().query<{ sourceKey: string }>(
      `WITH v(id, sk, imid, fa, subj, size, rat, raw) AS (VALUES ${rows.join(",")}),
      dup AS (SELECT DISTINCT "internetMessageId" AS imid FROM "Message" WHERE "mailboxId" = $3::text AND "internetMessageId" = ANY($${params.length}::text[]))
      INSERT INTO "Message" ("id", "workspaceId", "tenantId", "mailboxId", "folder", "sourceKey", "internetMessageId", "fromAddress", "subject", "size", "receivedAt", "rawMime")
      SELECT v.id, $1::text, $2::text, $3::text, $4::text, v.sk, v.imid, v.fa, v.subj, v.size, v.rat AT TIME ZONE 'UTC', v.raw
      FROM v WHERE v.imid IS NULL OR NOT EXISTS (SELECT 1 FROM dup WHERE dup.imid = v.imid)
      ON CONFLICT ("mailboxId", "sourceKey") DO NOTHING
      RETURNING "sourceKey"`,
      params,
    );
    return new Set(r.rows.map((x) => x.sourceKey));
  };
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
        // The reader's header summary already read the tag (no second scan of the MIME).
        if (!isOwnTestMailTag(m.testMailTag !== undefined ? m.testMailTag : testMailTagOf(m.raw))) return true;
        s.unkept.add(m.sourceKey);
        s.testMail += 1;
        return false;
      });
      if (batch.length === 0) {
        if (onBatch && !(await onBatch())) throw new LeaseLost();
        return;
      }
      // The lease is renewed on its own connection while the batch is written (one round trip
      // fewer per batch); a lost lease still stops the round after this batch.
      const held = onBatch ? onBatch() : Promise.resolve(true);
      held.catch(() => undefined); // awaited below
      let inserted: Set<string>;
      try {
        inserted = await insert(batch);
      } catch {
        inserted = new Set();
        for (const m of batch) if (await saveOne(m)) inserted.add(m.sourceKey);
      }
      s.stored += inserted.size;
      s.skipped += batch.length - inserted.size;
      for (const m of batch.filter((x) => x.tooLarge)) {
        // Its content wasn't kept (whether stored now or by an earlier try): leave the original.
        s.unkept.add(m.sourceKey);
        if (!inserted.has(m.sourceKey)) continue;
        await syncEvent(
          ctx,
          "warn",
          "message_too_large",
          `Stored the summary of a ${mib(m.size)} message without its content (over the ${mib(limits.maxMessageBytes)} limit).`,
          { sourceKey: m.sourceKey, size: m.size },
        );
      }
      if (!(await held)) throw new LeaseLost();
    },
  };
  /** Whether the row was stored now (false: it was already there). */
  async function saveOne(m: TIncoming): Promise<boolean> {
    try {
      return (await insert([m])).size > 0;
    } catch (err) {
      // First without the header values PostgreSQL may have refused, keeping the content; then as
      // a bare summary with a note.
      let n: Set<string>;
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
      return n.size > 0;
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
