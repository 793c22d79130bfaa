import "server-only";
// Tenant-scoped mailbox CRUD. The app must be usable in the mailbox's tenant (its own app or a
// multi-tenant MSP app of the same workspace).
import { db } from "../db/client";
import { conflict, notFound, badRequest } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { mailboxSelect, toMailboxDto } from "./mailbox-dto";
import type { TMailboxCreate, TMailboxUpdate } from "./schemas";
import { forTenantWhere, type TTenantRef } from "../core/scope";
import { settingsEffect } from "./settings-effect";

type TCtx = TTenantRef;

async function assertAppUsable(ctx: TCtx, appId: string) {
  const app = await db().appRegistration.findFirst({
    where: { id: appId, workspaceId: ctx.workspaceId, ...forTenantWhere(ctx.tenantId) },
    select: { id: true },
  });
  if (!app)
    throw badRequest("That app registration can't be used in this tenant.", {
      appRegistrationId: "Pick an app of this tenant or the MSP multi-tenant app.",
    });
}

export async function listMailboxes(ctx: TCtx) {
  const rows = await db().mailbox.findMany({
    where: { workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    orderBy: { address: "asc" },
    select: mailboxSelect,
  });
  return rows.map(toMailboxDto);
}

export async function getMailbox(ctx: TCtx & { mailboxId: string }) {
  const row = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: mailboxSelect,
  });
  return row ? toMailboxDto(row) : null;
}

export async function createMailbox(ctx: TCtx & { actor: TAuditActor; input: TMailboxCreate }) {
  const { input } = ctx;
  const tenant = await db().tenant.findFirst({ where: { id: ctx.tenantId, workspaceId: ctx.workspaceId }, select: { id: true } });
  if (!tenant) throw notFound("Tenant");
  await assertAppUsable(ctx, input.appRegistrationId);
  const dup = await db().mailbox.findFirst({ where: { tenantId: ctx.tenantId, address: input.address }, select: { id: true } });
  if (dup) throw conflict("This mailbox is already added to the tenant.", { address: "Already added." });
  return db().$transaction(async (tx) => {
    const { confirmDelete: _c, ...data } = input;
    const m = await tx.mailbox.create({
      data: {
        ...data,
        delegateUpn: input.kind === "shared" ? input.delegateUpn : null,
        // Only worth keeping when it differs from the address.
        signInName: input.kind === "user" && input.signInName && input.signInName !== input.address ? input.signInName : null,
        workspaceId: ctx.workspaceId,
        tenantId: ctx.tenantId,
        state: "pending_consent",
      },
      select: mailboxSelect,
    });
    await writeAudit(tx, ctx.actor, {
      action: "mailbox.create",
      targetType: "mailbox",
      targetId: m.id,
      tenantId: ctx.tenantId,
      detail: { address: m.address, kind: m.kind, inbound: m.inbound, outbound: m.outbound },
    });
    return toMailboxDto(m);
  });
}

export async function updateMailbox(ctx: TCtx & { mailboxId: string; actor: TAuditActor; input: TMailboxUpdate }) {
  const { confirmDelete: _c, confirmReconsent, ...data } = ctx.input;
  if (data.appRegistrationId) await assertAppUsable(ctx, data.appRegistrationId);
  return db().$transaction(async (tx) => {
    const where = { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId };
    const cur = await tx.mailbox.findFirst({
      where,
      select: {
        kind: true,
        address: true,
        appRegistrationId: true,
        delegateUpn: true,
        inbound: true,
        outbound: true,
        folder: true,
        afterProcessing: true,
        moveToFolder: true,
        state: true,
        grant: { select: { scopes: true } },
      },
    });
    if (!cur) throw notFound("Mailbox");
    if (data.signInName) {
      if (cur.kind === "shared")
        throw badRequest("A shared mailbox never signs in: its delegate does.", {
          signInName: "A shared mailbox never signs in: its delegate does.",
        });
      if (data.signInName === cur.address) data.signInName = null;
    }
    if ("delegateUpn" in data) {
      // Clearing a shared mailbox's delegate would leave consent with nobody to check the sign-in against.
      if (cur.kind === "shared" && !data.delegateUpn)
        throw badRequest("A shared mailbox needs the delegate who signs in (holds FullAccess).", {
          delegateUpn: "A shared mailbox needs the delegate who signs in (holds FullAccess).",
        });
      if (cur.kind === "shared" && data.delegateUpn === cur.address)
        throw badRequest("The delegate is a user, not the shared mailbox itself.", {
          delegateUpn: "The delegate is a user, not the shared mailbox itself.",
        });
    }
    // The merged settings must still hold together (a partial change is checked against the rest).
    const merged = { ...cur, ...data };
    if (merged.afterProcessing === "move" && !merged.moveToFolder)
      throw badRequest("Name the folder to move processed mail to.", { moveToFolder: "Name the folder to move processed mail to." });
    if (merged.inbound === "pop" && (merged.afterProcessing === "mark_read" || merged.afterProcessing === "move"))
      throw badRequest("POP3 can only keep or delete processed mail (it has no read flags or folders).", {
        afterProcessing: "POP3 can only keep or delete processed mail.",
      });
    const appId = merged.appRegistrationId;
    const apps = appId
      ? await tx.appRegistration.findMany({
          where: { id: appId, workspaceId: ctx.workspaceId, ...forTenantWhere(ctx.tenantId) },
          select: { id: true, displayName: true, scopeProfile: true },
        })
      : [];
    const effect = settingsEffect({ ...cur, grantScopes: cur.grant?.scopes ?? null }, data, apps);
    if (effect.problems.length) throw badRequest(effect.problems[0], { inbound: effect.problems[0] });
    if (effect.needsConsent && !confirmReconsent)
      throw conflict(`${effect.consentReasons.join(" ")} Confirm to save and ask for a new consent.`, {
        confirmReconsent: "This change needs a new consent: confirm it.",
      });
    const reconsent = effect.needsConsent
      ? cur.state === "disabled"
        ? { stateBeforePause: "pending_consent" as const, stateCode: null }
        : { state: "pending_consent" as const, stateCode: null }
      : {};
    const res = await tx.mailbox.updateMany({ where, data: { ...data, ...reconsent } });
    if (res.count !== 1) throw notFound("Mailbox");
    if (effect.needsConsent) {
      await tx.grant.deleteMany({ where: { mailboxId: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId } });
      // Outstanding links name the old app or delegate: they can't be used any more.
      await tx.consentRequest.updateMany({
        where: { mailboxId: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, status: "pending" },
        data: { status: "revoked", stateExpiresAt: new Date(0) },
      });
      await tx.event.create({
        data: {
          workspaceId: ctx.workspaceId,
          tenantId: ctx.tenantId,
          mailboxId: ctx.mailboxId,
          level: "warn",
          code: "settings_need_consent",
          message: `Settings changed by ${ctx.actor.email}: a new consent is needed. ${effect.consentReasons.join(" ")}`,
        },
      });
    }
    await writeAudit(tx, ctx.actor, {
      action: "mailbox.update",
      targetType: "mailbox",
      targetId: ctx.mailboxId,
      tenantId: ctx.tenantId,
      detail: { fields: Object.keys(data), ...(effect.needsConsent ? { reconsent: true } : {}) },
    });
    const m = await tx.mailbox.findFirstOrThrow({ where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId }, select: mailboxSelect });
    return toMailboxDto(m);
  });
}

export async function deleteMailbox(ctx: TCtx & { mailboxId: string; actor: TAuditActor }) {
  await db().$transaction(async (tx) => {
    const m = await tx.mailbox.findFirst({
      where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
      select: { address: true },
    });
    if (!m) throw notFound("Mailbox");
    await tx.mailbox.deleteMany({ where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId } });
    await writeAudit(tx, ctx.actor, {
      action: "mailbox.delete",
      targetType: "mailbox",
      targetId: ctx.mailboxId,
      tenantId: ctx.tenantId,
      detail: { address: m.address },
    });
  });
}

/** The mailbox's own log lines, newest first (the "system log" support reads). */
export async function listMailboxEvents(ctx: TCtx & { mailboxId: string; take?: number }) {
  return db().event.findMany({
    where: { workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, mailboxId: ctx.mailboxId },
    orderBy: { createdAt: "desc" },
    take: ctx.take ?? 25,
    select: { id: true, level: true, code: true, message: true, createdAt: true },
  });
}
