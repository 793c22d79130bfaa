import "server-only";
// Pulled mail is personal data: each workspace keeps the raw MIME for a set number of days, then
// the worker empties it. The row (ids, Message-ID, subject, sender, size) stays, so dedupe still
// holds and a later UIDVALIDITY reset or delta resync never delivers the message again.
import { z } from "zod";
import { db, Prisma } from "../db/client";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { assertWorkspaceWide } from "../auth/guard";
import type { TScope } from "../auth/session";
import { pruneTraces, TRACE_RETENTION_DAYS } from "../trace/mailbox-trace";

export const ZRetention = z
  .object({ messageRetentionDays: z.union([z.literal(7), z.literal(30), z.literal(90), z.literal(365), z.null()]) })
  .strict();

const CHUNK = 2000;

/** One housekeeping pass over every workspace; returns how many messages were emptied. */
export async function purgeExpiredMessages(now = new Date()): Promise<number> {
  const workspaces = await db().workspace.findMany({
    where: { messageRetentionDays: { not: null } },
    select: { id: true, messageRetentionDays: true },
  });
  let total = 0;
  for (const w of workspaces) {
    const cutoff = new Date(now.getTime() - w.messageRetentionDays! * 86_400_000);
    // In chunks, so one large backlog never holds a long transaction.
    for (;;) {
      const n = await db().$executeRaw`
        UPDATE "Message" SET "rawMime" = ''::bytea, "purgedAt" = ${now}
        WHERE "id" IN (SELECT "id" FROM "Message" WHERE "workspaceId" = ${w.id} AND "createdAt" < ${cutoff} AND "purgedAt" IS NULL LIMIT ${CHUNK})`;
      total += n;
      if (n < CHUNK) break;
    }
  }
  return total;
}

export async function storageStats(scope: { workspaceId: string }) {
  const [ws, rows] = await Promise.all([
    db().workspace.findUniqueOrThrow({ where: { id: scope.workspaceId }, select: { messageRetentionDays: true } }),
    db().$queryRaw<{ messages: number; kept: number; bytes: number | null; oldest: Date | null }[]>(Prisma.sql`
      SELECT count(*)::int AS messages, count(*) FILTER (WHERE "purgedAt" IS NULL)::int AS kept,
             sum(octet_length("rawMime"))::float8 AS bytes, min("createdAt") FILTER (WHERE "purgedAt" IS NULL) AS oldest
      FROM "Message" WHERE "workspaceId" = ${scope.workspaceId}`),
  ]);
  const r = rows[0];
  return {
    messageRetentionDays: ws.messageRetentionDays,
    messages: r.messages,
    withRawMime: r.kept,
    rawBytes: r.bytes ?? 0,
    oldestRawMimeAt: r.oldest,
  };
}

export async function setRetention(opts: {
  workspaceId: string;
  actor: TAuditActor;
  scope: Pick<TScope, "role" | "hasAllTenants" | "tenantIds">;
  input: z.infer<typeof ZRetention>;
}) {
  assertWorkspaceWide(opts.scope, "Data retention applies to every tenant");
  await db().$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: opts.workspaceId }, data: { messageRetentionDays: opts.input.messageRetentionDays } });
    await writeAudit(tx, opts.actor, {
      action: "settings.retention",
      targetType: "workspace",
      targetId: opts.workspaceId,
      detail: { messageRetentionDays: opts.input.messageRetentionDays },
    });
  });
  return storageStats(opts);
}

/** Log-like tables kept bounded: how long each keeps its rows. */
export const LOG_RETENTION_DAYS = {
  events: 180,
  webhookDeliveries: 30,
  loginAttempts: 30,
  mailboxTraces: TRACE_RETENTION_DAYS,
} as const;

/** Housekeeping: deletes old event-log lines, finished webhook deliveries, sign-in attempts and
 *  mailbox traces. */
export async function pruneLogs(now = new Date()): Promise<Record<keyof typeof LOG_RETENTION_DAYS, number>> {
  const before = (days: number) => new Date(now.getTime() - days * 86_400_000);
  const [events, webhookDeliveries, loginAttempts, mailboxTraces] = await Promise.all([
    db().event.deleteMany({ where: { createdAt: { lt: before(LOG_RETENTION_DAYS.events) } } }),
    db().webhookDelivery.deleteMany({
      where: { status: { in: ["delivered", "failed"] }, createdAt: { lt: before(LOG_RETENTION_DAYS.webhookDeliveries) } },
    }),
    db().loginAttempt.deleteMany({ where: { createdAt: { lt: before(LOG_RETENTION_DAYS.loginAttempts) } } }),
    pruneTraces(now),
  ]);
  return { events: events.count, webhookDeliveries: webhookDeliveries.count, loginAttempts: loginAttempts.count, mailboxTraces };
}
