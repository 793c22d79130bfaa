// Integration: "Sync now" and "Refresh token now" as lib calls, each audited, scoped to the
// mailbox's workspace and tenant (a foreign tenant id is "not found").
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { HttpError } from "../core/errors";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { syncNow } from "./sync-now";
import { refreshMailboxToken } from "./refresh-token";

const F = SEED.fabrikam;
const env = sandboxForFile();

describe("mailbox actions", { timeout: 60_000 }, () => {
  it("sync now makes the mailbox due and is audited; another tenant's id is not found", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE] });
    await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { inbound: "imap", nextSyncAt: new Date(Date.now() + 3_600_000) } });
    const actor = { workspaceId: m.ctx.workspaceId, staffUserId: null, email: "tech@msp.test" };
    const before = Date.now();
    expect(await syncNow(m.ctx, actor)).toEqual({ ok: true });
    const mb = await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId }, select: { nextSyncAt: true } });
    expect(mb.nextSyncAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(mb.nextSyncAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await db().auditEntry.count({ where: { targetId: m.ctx.mailboxId, action: "mailbox.sync_now" } })).toBe(1);
    const err = await syncNow({ ...m.ctx, tenantId: "00000000-0000-0000-0000-000000000000" }, actor).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(404);
    expect(await db().auditEntry.count({ where: { targetId: m.ctx.mailboxId, action: "mailbox.sync_now" } })).toBe(1);
  });

  it("refresh token now redeems the grant at once and reports the outcome, never a token", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE] });
    const actor = { workspaceId: m.ctx.workspaceId, staffUserId: null, email: "tech@msp.test" };
    const r = await refreshMailboxToken(m.ctx, actor);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).not.toContain(m.issued[1]);
    expect(await db().auditEntry.count({ where: { targetId: m.ctx.mailboxId, action: "mailbox.refresh_token" } })).toBe(1);
    await expect(refreshMailboxToken({ ...m.ctx, mailboxId: "00000000-0000-0000-0000-000000000000" }, actor)).rejects.toBeInstanceOf(
      HttpError,
    );
  });
});
