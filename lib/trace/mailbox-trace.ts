import "server-only";
// The per-mailbox trace switch and its transcripts. "Trace" (mailbox page) turns the switch on for
// an hour (it turns itself off after that; audited either way). While it is on, each sync, send,
// refresh or connection test of the mailbox runs inside withMailboxTrace(), which records the
// redacted conversation every transport has with Microsoft (lib/mail/trace-hooks.ts, the token
// client) and keeps it as one MailboxTrace row: at most TRACES_PER_MAILBOX per mailbox, each
// bounded in lines and bytes (trace-context.ts), pruned by retention after TRACE_RETENTION_DAYS.
import { db } from "../db/client";
import { notFound } from "../core/errors";
import type { TMailboxRef } from "../core/scope";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { activeTrace, closeTrace, runTraced, TraceRecorder, type TTraceLine } from "./trace-context";

export const TRACE_MINUTES = 60;
export const TRACES_PER_MAILBOX = 10;
export const TRACE_RETENTION_DAYS = 7;
export type TTraceKind = "sync" | "send" | "refresh" | "test";

export type TMailboxTrace = {
  id: string;
  kind: TTraceKind;
  startedAt: string;
  endedAt: string | null;
  truncated: boolean;
  lines: TTraceLine[];
};
export type TMailboxTraces = { until: string | null; traces: TMailboxTrace[] };

const mailboxWhere = (ref: TMailboxRef) => ({ id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId });

/**
 * Runs `fn` (one sync, send, refresh or connection test of the mailbox) and, when the mailbox's
 * trace switch is on, records its conversation and keeps it. Nested calls (a refresh inside a
 * connection test) share the outer transcript. A transcript that can't be stored never fails `fn`.
 */
export async function withMailboxTrace<T>(ref: TMailboxRef, kind: TTraceKind, fn: () => Promise<T>): Promise<T> {
  if (activeTrace()) return fn();
  const on = await db().mailbox.findFirst({ where: { ...mailboxWhere(ref), traceUntil: { gt: new Date() } }, select: { id: true } });
  if (!on) return fn();
  const rec = new TraceRecorder();
  rec.add("note", "*", `${kind} started`);
  let outcome = `${kind} finished`;
  try {
    return await runTraced(rec, fn);
  } catch (err) {
    outcome = `${kind} failed: ${(err as Error)?.message ?? String(err)}`;
    throw err;
  } finally {
    closeTrace(rec, outcome); // the closing note is kept past the limit
    await saveTrace(ref, kind, rec).catch(() => undefined);
  }
}

async function saveTrace(ref: TMailboxRef, kind: TTraceKind, rec: TraceRecorder) {
  await db().$transaction(async (tx) => {
    await tx.mailboxTrace.create({
      data: {
        workspaceId: ref.workspaceId,
        tenantId: ref.tenantId,
        mailboxId: ref.mailboxId,
        kind,
        startedAt: rec.startedAt,
        endedAt: new Date(),
        lines: rec.lines,
        bytes: rec.bytes,
        truncated: rec.truncated,
      },
    });
    const old = await tx.mailboxTrace.findMany({
      where: { workspaceId: ref.workspaceId, tenantId: ref.tenantId, mailboxId: ref.mailboxId },
      orderBy: { startedAt: "desc" },
      skip: TRACES_PER_MAILBOX,
      select: { id: true },
    });
    if (old.length) await tx.mailboxTrace.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
  });
}

/** Turns the switch on (for TRACE_MINUTES from now) or off; audited. 404 for a mailbox not in scope. */
export async function setMailboxTrace(ref: TMailboxRef, on: boolean, actor: TAuditActor): Promise<{ until: string | null }> {
  const until = on ? new Date(Date.now() + TRACE_MINUTES * 60_000) : null;
  return db().$transaction(async (tx) => {
    const r = await tx.mailbox.updateMany({ where: mailboxWhere(ref), data: { traceUntil: until } });
    if (r.count === 0) throw notFound("Mailbox");
    await writeAudit(tx, actor, {
      action: on ? "mailbox.trace_on" : "mailbox.trace_off",
      targetType: "mailbox",
      targetId: ref.mailboxId,
      tenantId: ref.tenantId,
      detail: { until: until?.toISOString() ?? null },
    });
    return { until: until?.toISOString() ?? null };
  });
}

/** The switch (its end, while on) and the kept transcripts, newest first. */
export async function mailboxTraces(ref: TMailboxRef, opts: { take?: number } = {}): Promise<TMailboxTraces> {
  const mb = await db().mailbox.findFirst({ where: mailboxWhere(ref), select: { traceUntil: true } });
  if (!mb) throw notFound("Mailbox");
  const rows = await db().mailboxTrace.findMany({
    where: { workspaceId: ref.workspaceId, tenantId: ref.tenantId, mailboxId: ref.mailboxId },
    orderBy: { startedAt: "desc" },
    take: opts.take ?? TRACES_PER_MAILBOX,
    select: { id: true, kind: true, startedAt: true, endedAt: true, truncated: true, lines: true },
  });
  return {
    until: mb.traceUntil && mb.traceUntil.getTime() > Date.now() ? mb.traceUntil.toISOString() : null,
    traces: rows.map((r) => ({
      id: r.id,
      kind: r.kind as TTraceKind,
      startedAt: r.startedAt.toISOString(),
      endedAt: r.endedAt?.toISOString() ?? null,
      truncated: r.truncated,
      lines: r.lines as TTraceLine[],
    })),
  };
}

/** Retention: transcripts older than TRACE_RETENTION_DAYS go. */
export async function pruneTraces(now = new Date()): Promise<number> {
  const r = await db().mailboxTrace.deleteMany({
    where: { startedAt: { lt: new Date(now.getTime() - TRACE_RETENTION_DAYS * 86_400_000) } },
  });
  return r.count;
}
