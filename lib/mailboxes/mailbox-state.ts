import "server-only";
// Every change of a mailbox's state (state, stateCode), with the event line that explains it and,
// when a person caused it, the audit entry: connected by consent, a token failure, a sync failure,
// a connection test's outcome. Each takes the transaction it belongs to where the caller has one,
// so the state, its event and its audit commit together.
import { db, type TDb } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { CATALOG } from "../diagnostics/catalog";

type TRef = { workspaceId: string; tenantId: string; mailboxId: string };
type TTx = Pick<TDb, "mailbox" | "event" | "auditEntry">;

/** Consent completed: connected, the diagnosis cleared, due for a sync at once. */
export async function markConnected(tx: TTx, ref: TRef, o: { upn: string; scopes: string[]; now: Date; actor: TAuditActor }) {
  // A paused mailbox stays paused: the resume returns it to connected.
  const paused = await tx.mailbox.updateMany({
    where: { id: ref.mailboxId, state: "disabled" },
    data: { stateBeforePause: "connected", stateCode: null },
  });
  if (paused.count === 0)
    await tx.mailbox.update({ where: { id: ref.mailboxId }, data: { state: "connected", stateCode: null, nextSyncAt: o.now } });
  await tx.event.create({
    data: {
      workspaceId: ref.workspaceId,
      tenantId: ref.tenantId,
      mailboxId: ref.mailboxId,
      level: "info",
      code: "connected",
      message: `Connected as ${o.upn}.`,
      detail: { scopes: o.scopes },
    },
  });
  await writeAudit(tx, o.actor, {
    action: "mailbox.connect",
    targetType: "mailbox",
    targetId: ref.mailboxId,
    tenantId: ref.tenantId,
    detail: { upn: o.upn, scopes: o.scopes },
  });
}

/** A refresh failed: a dead grant needs re-consent, a bad app secret fails every mailbox on it,
 *  a transient failure only leaves its event. */
export async function markTokenFailure(
  tx: TTx,
  ref: TRef,
  err: { kind: string; code: string; message: string; retryAfterSeconds?: number },
) {
  const permanent = err.kind === "permanent_grant" || err.kind === "permanent_client";
  const where = { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId };
  const next =
    err.kind === "permanent_grant" ? ("needs_reconsent" as const) : err.kind === "permanent_client" ? ("failing" as const) : null;
  if (next) {
    // (permanent_client: the app's secret is the problem, every mailbox on it fails the same way.)
    // A paused mailbox stays paused; the state it resumes to records the failure.
    await tx.mailbox.updateMany({ where: { ...where, state: { not: "disabled" } }, data: { state: next, stateCode: err.code } });
    await tx.mailbox.updateMany({ where: { ...where, state: "disabled" }, data: { stateBeforePause: next, stateCode: err.code } });
  }
  await tx.event.create({
    data: {
      workspaceId: ref.workspaceId,
      tenantId: ref.tenantId,
      mailboxId: ref.mailboxId,
      level: permanent ? "error" : "warn",
      code: err.code,
      message: err.message,
      detail: { kind: err.kind, ...(err.retryAfterSeconds ? { retryAfterSeconds: err.retryAfterSeconds } : {}) },
    },
  });
}

/** A sync round failed: a permanent cause degrades a connected mailbox; the failure count is kept
 *  in its sync state either way. */
export async function markSyncFailure(
  ref: TRef,
  o: {
    state: string;
    syncState: Prisma.InputJsonValue;
    diagnosis: { code: string; title: string; transient: boolean; evidence: { summary: string } };
    /** The wait Microsoft asked for (Retry-After, back-off time), kept with the event. */
    retryAfterSeconds?: number;
  },
) {
  const d = o.diagnosis;
  await db().mailbox.update({ where: { id: ref.mailboxId }, data: { syncState: o.syncState } });
  // Only from connected as it still is: a mailbox paused while this round ran stays paused.
  if (!d.transient && o.state === "connected")
    await db().mailbox.updateMany({ where: { id: ref.mailboxId, state: "connected" }, data: { state: "degraded", stateCode: d.code } });
  await db().event.create({
    data: {
      ...ref,
      level: d.transient ? "warn" : "error",
      code: d.code,
      message: `Sync failed: ${d.title}.`,
      detail: {
        evidence: d.evidence.summary,
        transient: d.transient,
        ...(o.retryAfterSeconds ? { retryAfterSeconds: o.retryAfterSeconds } : {}),
      } as Prisma.InputJsonValue,
    },
  });
}

const TEST_STATES: string[] = ["degraded", "failing"];
// Diagnoses a connection test can set (and so may clear): the protocol-level ones.
const TEST_CODES = new Set<string>(
  CATALOG.filter(
    (e) =>
      e.match.some((r) => "smtp" in r || "imap" in r || "pop" in r || "graphCode" in r || "graphStatus" in r || "network" in r) ||
      [
        "wrong_user_signed_in",
        "delegate_lacks_full_access",
        "mailbox_unlicensed_or_imap_disabled",
        "shared_address_misused",
        "shared_mailbox_over_size_limit",
        "shared_mailbox_not_in_exchange_online",
        "imap_connection_limit",
        "unknown",
      ].includes(e.code),
  ).map((e) => e.code),
);

/** The mailbox's state follows a connection test: a protocol that fails makes it degraded (failing
 *  when nothing works); a clean test clears what an earlier test set. (Token failures have already
 *  set needs_reconsent or failing through getAccessToken; the caller doesn't come here then.) The
 *  test's own event is the caller's record of the test. */
export async function markTestOutcome(
  tx: TTx,
  ref: TRef,
  current: { state: string; stateCode: string | null },
  outcome: { ok: boolean; anyOk: boolean; failedCode?: string },
) {
  const next = outcome.ok
    ? TEST_STATES.includes(current.state) && TEST_CODES.has(current.stateCode ?? "")
      ? { state: "connected" as const, stateCode: null }
      : null
    : current.state === "connected" || TEST_STATES.includes(current.state)
      ? { state: outcome.anyOk ? ("degraded" as const) : ("failing" as const), stateCode: outcome.failedCode! }
      : null;
  if (next) await tx.mailbox.updateMany({ where: { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId }, data: next });
}
