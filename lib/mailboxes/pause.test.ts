// Integration: pausing a mailbox against the real worker functions and the sandbox. Paused, the
// sync claim skips it, its outbound mail is queued but held, and the proactive refresh still keeps
// its grant alive; a dead grant found while paused is remembered for the resume. Resumed, the held
// mail goes out and the mailbox is due for a sync at once. Foreign ids answer like missing ones.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, lastInboxMessages, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { auditActor } from "../audit/write-audit";
import { claimDueMailboxes, releaseLease } from "../sync/claim";
import { ZOutboundInput } from "../outbound/compose";
import { enqueueOutbound } from "../outbound/queue";
import { sendDueOutbound } from "../outbound/send-loop";
import { refreshStaleGrants } from "../grants/proactive-refresh";
import { microsoftRefresher } from "../grants/microsoft-refresher";
import { markSyncFailure, markTokenFailure } from "./mailbox-state";
import { pauseMailbox, resumeMailbox } from "./pause";

const env = sandboxForFile();
const F = SEED.fabrikam;
const row = (id: string) =>
  db().mailbox.findUniqueOrThrow({
    where: { id },
    select: { state: true, stateCode: true, stateBeforePause: true, pausedAt: true, pausedBy: true, nextSyncAt: true },
  });

describe("pause and resume", { timeout: 90_000 }, () => {
  it("paused: no sync claim, outbound held, grant still refreshed; resumed: held mail sent, due at once", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    const actor = auditActor(m.scope);
    const paused = await pauseMailbox({ ...m.ctx, actor });
    expect(paused).toMatchObject({ state: "disabled", stateBeforePause: "connected", pausedBy: "admin@msp.test" });
    expect(await claimDueMailboxes("w-pause", { limit: 5, leaseMs: 30_000, only: [m.ctx.mailboxId] })).toEqual([]);

    // Queued while paused, and held: no worker claims it.
    const { message } = await enqueueOutbound(
      m.ctx,
      ZOutboundInput.parse({ to: [`bob@${F.domain}`], subject: "Held while paused", text: "Hi" }),
      { createdVia: "test" },
    );
    expect(message.status).toBe("queued");
    expect(await sendDueOutbound("w-pause", { concurrency: 2, workspaceIds: [m.ctx.workspaceId] })).toBe(0);
    expect((await db().outboundMessage.findUniqueOrThrow({ where: { id: message.id } })).status).toBe("queued");

    // The proactive refresh still redeems the paused mailbox's refresh token.
    await db().grant.update({ where: { mailboxId: m.ctx.mailboxId }, data: { lastRefreshAt: new Date(Date.now() - 10 * 86_400_000) } });
    const r = await refreshStaleGrants({ refresher: microsoftRefresher, workspaceIds: [m.ctx.workspaceId] });
    expect(r).toEqual({ refreshed: 1, failed: [] });
    const g = await db().grant.findUniqueOrThrow({ where: { mailboxId: m.ctx.mailboxId } });
    expect(g.lastRefreshAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await row(m.ctx.mailboxId)).state).toBe("disabled");

    await expect(pauseMailbox({ ...m.ctx, actor })).rejects.toMatchObject({ status: 409 });
    const resumed = await resumeMailbox({ ...m.ctx, actor });
    expect(resumed).toMatchObject({ state: "connected", stateBeforePause: null, pausedAt: null, pausedBy: null });
    const claimed = await claimDueMailboxes("w-pause", { limit: 5, leaseMs: 30_000, only: [m.ctx.mailboxId] });
    expect(claimed.map((c) => c.id)).toEqual([m.ctx.mailboxId]);
    await releaseLease(m.ctx.mailboxId, "w-pause", new Date());
    expect(await sendDueOutbound("w-pause", { concurrency: 2, workspaceIds: [m.ctx.workspaceId] })).toBe(1);
    expect((await db().outboundMessage.findUniqueOrThrow({ where: { id: message.id } })).status).toBe("sent");
    const [bob] = await lastInboxMessages(env.sb, `bob@${F.domain}`, F.clientId);
    expect(bob).toContain(`Message-ID: ${message.internetMessageId}`);

    const codes = await db().event.findMany({ where: { mailboxId: m.ctx.mailboxId, code: { in: ["paused", "resumed"] } } });
    expect(codes.map((e) => e.code).sort()).toEqual(["paused", "resumed"]);
    const audit = await db().auditEntry.findMany({ where: { workspaceId: m.ctx.workspaceId, action: { startsWith: "mailbox." } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["mailbox.pause", "mailbox.resume"]);
  });

  it("a dead grant found while paused stays paused and resumes to needs re-consent", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, { tenant: F });
    const actor = auditActor(m.scope);
    await pauseMailbox({ ...m.ctx, actor });
    await db().$transaction((tx) =>
      markTokenFailure(tx, m.ctx, { kind: "permanent_grant", code: "refresh_token_revoked", message: "Revoked." }),
    );
    expect(await row(m.ctx.mailboxId)).toMatchObject({
      state: "disabled",
      stateBeforePause: "needs_reconsent",
      stateCode: "refresh_token_revoked",
    });
    // A sync round that started before the pause and fails after it doesn't unpause the mailbox.
    await markSyncFailure(m.ctx, {
      state: "connected",
      syncState: {},
      diagnosis: { code: "imap_auth_failed", title: "IMAP sign-in failed", transient: false, evidence: { summary: "x" } },
    });
    expect((await row(m.ctx.mailboxId)).state).toBe("disabled");
    expect(await resumeMailbox({ ...m.ctx, actor })).toMatchObject({ state: "needs_reconsent", stateCode: "refresh_token_revoked" });
    await expect(resumeMailbox({ ...m.ctx, actor })).rejects.toMatchObject({ status: 409 });
  });

  it("another tenant's or workspace's mailbox answers like a missing one", async () => {
    const a = await mailboxWithSandboxGrant(env.sb, `bob@${F.domain}`, { tenant: F });
    const b = await mailboxWithSandboxGrant(env.sb, `admin@${F.domain}`, { tenant: F });
    const actor = auditActor(a.scope);
    for (const ref of [
      { ...a.ctx, mailboxId: b.ctx.mailboxId },
      { ...a.ctx, tenantId: b.ctx.tenantId },
      { ...b.ctx, workspaceId: a.ctx.workspaceId },
    ]) {
      await expect(pauseMailbox({ ...ref, actor })).rejects.toMatchObject({ status: 404 });
      await expect(resumeMailbox({ ...ref, actor })).rejects.toMatchObject({ status: 404 });
    }
    expect((await row(b.ctx.mailboxId)).state).toBe("connected");
  });
});
