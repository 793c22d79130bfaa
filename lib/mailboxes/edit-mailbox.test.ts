// Integration: editing a mailbox's settings (real PostgreSQL, a grant minted by the sandbox). Plain
// settings save at once; a change the grant can't serve (another app, another delegate, a protocol
// the grant lacks) is refused until confirmed, then removes the grant, revokes outstanding links and
// moves the mailbox to pending consent (a paused one stays paused); a protocol the app's profile
// can't cover is refused; foreign ids answer like missing ones.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { auditActor } from "../audit/write-audit";
import { createMailboxConsentLink } from "../consent/consent-links";
import { ZMailboxUpdate } from "./schemas";
import { updateMailbox } from "./manage-mailboxes";
import { pauseMailbox } from "./pause";
import { settingsEffect } from "./settings-effect";

const env = sandboxForFile();
const F = SEED.fabrikam;
const edit = async (m: Awaited<ReturnType<typeof mailboxWithSandboxGrant>>, input: Record<string, unknown>) =>
  updateMailbox({ ...m.ctx, actor: auditActor(m.scope), input: ZMailboxUpdate.parse(input) });
const state = (id: string) =>
  db().mailbox.findUniqueOrThrow({ where: { id }, select: { state: true, stateBeforePause: true, grant: { select: { id: true } } } });
const otherApp = (m: Awaited<ReturnType<typeof mailboxWithSandboxGrant>>, scopeProfile: "imap_smtp" | "graph" = "imap_smtp") =>
  db().appRegistration.create({
    data: { workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, displayName: "Second app", clientId: randomUUID(), scopeProfile },
  });

describe("edit a mailbox", { timeout: 90_000 }, () => {
  it("folder, reply-to and signature save at once and keep the grant", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F });
    const r = await edit(m, { folder: "Support", replyTo: `support@${F.domain}`, signature: "— Helpdesk" });
    expect(r).toMatchObject({ folder: "Support", replyTo: `support@${F.domain}`, signature: "— Helpdesk", state: "connected" });
    expect((await state(m.ctx.mailboxId)).grant).not.toBeNull();
    const a = await db().auditEntry.findFirstOrThrow({ where: { workspaceId: m.ctx.workspaceId, action: "mailbox.update" } });
    expect(a.detail).toEqual({ fields: ["folder", "replyTo", "signature"] });
  });

  it("another app needs a confirmed new consent: grant removed, links revoked, pending consent", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F });
    const link = await createMailboxConsentLink({ ...m.ctx, actor: auditActor(m.scope) });
    const app = await otherApp(m);
    await expect(edit(m, { appRegistrationId: app.id })).rejects.toMatchObject({
      status: 409,
      fields: { confirmReconsent: expect.any(String) },
    });
    expect((await state(m.ctx.mailboxId)).state).toBe("connected");
    const r = await edit(m, { appRegistrationId: app.id, confirmReconsent: true });
    expect(r).toMatchObject({ appRegistrationId: app.id, state: "pending_consent", grant: null });
    expect((await db().consentRequest.findUniqueOrThrow({ where: { id: link.id } })).status).toBe("revoked");
    expect(await db().event.count({ where: { mailboxId: m.ctx.mailboxId, code: "settings_need_consent" } })).toBe(1);
  });

  it("adding SMTP to a grant that only reads needs consent; a paused mailbox stays paused", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE], mailbox: { outbound: "none" } });
    await pauseMailbox({ ...m.ctx, actor: auditActor(m.scope) });
    await expect(edit(m, { outbound: "smtp" })).rejects.toMatchObject({ status: 409 });
    await edit(m, { outbound: "smtp", confirmReconsent: true });
    expect(await state(m.ctx.mailboxId)).toEqual({ state: "disabled", stateBeforePause: "pending_consent", grant: null });
  });

  it("a grant that holds the scopes switches protocol without consent; a profile that can't cover it is refused", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `bob@${F.domain}`, {
      tenant: F,
      scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`],
      mailbox: { outbound: "none" },
    });
    expect(await edit(m, { outbound: "smtp" })).toMatchObject({ outbound: "smtp", state: "connected" });
    await expect(edit(m, { inbound: "graph" })).rejects.toMatchObject({ status: 400 });
    await expect(edit(m, { inbound: "pop", afterProcessing: "move", moveToFolder: "Done" })).rejects.toThrow();
    const g = await otherApp(m, "graph");
    await expect(edit(m, { appRegistrationId: g.id, confirmReconsent: true })).rejects.toMatchObject({ status: 400 });
  });

  it("delete needs its own confirmation; foreign apps and mailboxes answer like missing ones", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `admin@${F.domain}`, { tenant: F });
    const other = await mailboxWithSandboxGrant(env.sb, `bob@${F.domain}`, { tenant: F });
    expect(ZMailboxUpdate.safeParse({ afterProcessing: "delete" }).success).toBe(false);
    expect(await edit(m, { afterProcessing: "delete", confirmDelete: true })).toMatchObject({ afterProcessing: "delete" });
    await expect(edit(m, { appRegistrationId: other.appId })).rejects.toMatchObject({ status: 400 });
    await expect(
      updateMailbox({ ...m.ctx, mailboxId: other.ctx.mailboxId, actor: auditActor(m.scope), input: { folder: "X" } }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: other.ctx.mailboxId } })).folder).toBe("INBOX");
  });

  it("the effect the form shows matches what the server enforces", () => {
    const cur = {
      kind: "shared" as const,
      appRegistrationId: "a1",
      delegateUpn: "d@x.com",
      inbound: "imap",
      outbound: "smtp",
      folder: "INBOX",
      afterProcessing: "keep",
      moveToFolder: null,
      state: "connected",
      grantScopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`],
    };
    const apps = [{ id: "a1", displayName: "A", scopeProfile: "imap_smtp" }];
    expect(settingsEffect(cur, { folder: "Tickets" }, apps)).toMatchObject({ needsConsent: false, problems: [] });
    expect(settingsEffect(cur, { delegateUpn: "e@x.com" }, apps).needsConsent).toBe(true);
    expect(settingsEffect({ ...cur, grantScopes: null }, { delegateUpn: "e@x.com" }, apps).needsConsent).toBe(false);
    expect(settingsEffect(cur, { inbound: "pop" }, apps).problems).toHaveLength(1);
  });
});
