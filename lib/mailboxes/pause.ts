import "server-only";
// Pause and resume a mailbox. A paused mailbox is in state "disabled": the workers' claims (sync,
// IMAP IDLE, Graph push, outbound sending) only take syncable or sending states, so nothing syncs
// and its outbound mail stays queued; the proactive refresh keeps its grant alive. A resume returns
// to the state it left (kept current by token failures while paused) and makes it due at once, so
// held mail goes out and sync catches up.
import { db } from "../db/client";
import { conflict, notFound } from "../core/errors";
import type { TMailboxRef } from "../core/scope";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { mailboxSelect, toMailboxDto } from "./mailbox-dto";

export async function pauseMailbox(ref: TMailboxRef & { actor: TAuditActor; now?: Date }) {
  const now = ref.now ?? new Date();
  const where = { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId };
  return db().$transaction(async (tx) => {
    const cur = await tx.mailbox.findFirst({ where, select: { state: true, address: true } });
    if (!cur) throw notFound("Mailbox");
    if (cur.state === "disabled") throw conflict(`${cur.address} is already paused.`);
    // Conditional on the state read, so a concurrent state change can't be lost under the pause.
    const res = await tx.mailbox.updateMany({
      where: { ...where, state: cur.state },
      data: { state: "disabled", stateBeforePause: cur.state, pausedAt: now, pausedBy: ref.actor.email },
    });
    if (res.count !== 1) throw conflict("The mailbox changed while pausing it; try again.");
    await tx.event.create({
      data: {
        workspaceId: ref.workspaceId,
        tenantId: ref.tenantId,
        mailboxId: ref.mailboxId,
        level: "info",
        code: "paused",
        message: `Paused by ${ref.actor.email}: no sync and no sending until resumed (outbound mail is held).`,
      },
    });
    await writeAudit(tx, ref.actor, {
      action: "mailbox.pause",
      targetType: "mailbox",
      targetId: ref.mailboxId,
      tenantId: ref.tenantId,
      detail: { address: cur.address, from: cur.state },
    });
    return toMailboxDto(await tx.mailbox.findFirstOrThrow({ where, select: mailboxSelect }));
  });
}

export async function resumeMailbox(ref: TMailboxRef & { actor: TAuditActor; now?: Date }) {
  const now = ref.now ?? new Date();
  const where = { id: ref.mailboxId, workspaceId: ref.workspaceId, tenantId: ref.tenantId };
  return db().$transaction(async (tx) => {
    const cur = await tx.mailbox.findFirst({
      where,
      select: { state: true, address: true, stateBeforePause: true, grant: { select: { id: true } } },
    });
    if (!cur) throw notFound("Mailbox");
    if (cur.state !== "disabled") throw conflict(`${cur.address} is not paused.`);
    const back = cur.stateBeforePause ?? (cur.grant ? "connected" : "pending_consent");
    // A grant that went away while paused (removed by an edit) can't be connected.
    const state = !cur.grant && back !== "pending_consent" && back !== "needs_reconsent" ? "pending_consent" : back;
    await tx.mailbox.updateMany({
      where: { ...where, state: "disabled" },
      data: { state, stateBeforePause: null, pausedAt: null, pausedBy: null, nextSyncAt: now },
    });
    // Held mail goes at once rather than at its next hold check.
    await tx.outboundMessage.updateMany({
      where: { mailboxId: ref.mailboxId, workspaceId: ref.workspaceId, status: "queued", nextAttemptAt: { gt: now } },
      data: { nextAttemptAt: now },
    });
    await tx.event.create({
      data: {
        workspaceId: ref.workspaceId,
        tenantId: ref.tenantId,
        mailboxId: ref.mailboxId,
        level: "info",
        code: "resumed",
        message: `Resumed by ${ref.actor.email}.`,
      },
    });
    await writeAudit(tx, ref.actor, {
      action: "mailbox.resume",
      targetType: "mailbox",
      targetId: ref.mailboxId,
      tenantId: ref.tenantId,
      detail: { address: cur.address, to: state },
    });
    return toMailboxDto(await tx.mailbox.findFirstOrThrow({ where, select: mailboxSelect }));
  });
}
