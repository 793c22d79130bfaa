// Integration: retention empties old raw MIME but keeps the rows, so a UIDVALIDITY reset after the
// purge stores nothing twice; the REST API answers 410 for purged content.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { syncMailbox } from "../sync/sync-mailbox";
import { apiGetMessage, apiGetRawMessage } from "../api-v1/api-v1";
import { pruneLogs, purgeExpiredMessages, storageStats } from "./retention";

const N = SEED.northwind;
const env = sandboxForFile();

describe("message retention", { timeout: 60_000 }, () => {
  it("empties content older than the workspace's period, keeps rows for dedupe, and the API says 410", async () => {
    const address = `bob@${N.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: N, scopes: [IMAP_SCOPE] });
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
    const total = await db().message.count({ where: { mailboxId: m.ctx.mailboxId } });
    expect(total).toBeGreaterThan(10);
    // Half of it was pulled 40 days ago.
    const old = await db().message.findMany({ where: { mailboxId: m.ctx.mailboxId }, select: { id: true }, take: Math.floor(total / 2) });
    await db().message.updateMany({
      where: { id: { in: old.map((o) => o.id) } },
      data: { createdAt: new Date(Date.now() - 40 * 86_400_000) },
    });
    await db().workspace.update({ where: { id: m.ctx.workspaceId }, data: { messageRetentionDays: 30 } });
    expect(await purgeExpiredMessages()).toBeGreaterThanOrEqual(old.length);
    const stats = await storageStats({ workspaceId: m.ctx.workspaceId });
    expect(stats).toMatchObject({ messages: total, withRawMime: total - old.length, messageRetentionDays: 30 });
    const purged = await db().message.findUniqueOrThrow({ where: { id: old[0].id } });
    expect(purged.rawMime.length).toBe(0);
    expect(purged.purgedAt).not.toBeNull();
    expect(purged.subject).not.toBeNull();

    const api = {
      workspaceId: m.ctx.workspaceId,
      keyId: "k",
      prefix: "csk_x",
      scopes: ["read" as const],
      hasAllTenants: true,
      tenantIds: [],
    };
    await expect(apiGetRawMessage(api, old[0].id)).rejects.toMatchObject({ status: 410, code: "purged" });
    expect((await apiGetMessage(api, old[0].id)).purgedAt).not.toBeNull();

    // The folder is rebuilt on the server: the resync stores nothing twice, purged or not.
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/folders/INBOX/reset-uidvalidity`);
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 0 });
    expect(await db().message.count({ where: { mailboxId: m.ctx.mailboxId } })).toBe(total);
  });

  it("a workspace that keeps mail forever is left alone", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${N.domain}`, { tenant: N, scopes: [IMAP_SCOPE] });
    await syncMailbox(m.ctx);
    await db().workspace.update({ where: { id: m.ctx.workspaceId }, data: { messageRetentionDays: null } });
    await db().message.updateMany({ where: { mailboxId: m.ctx.mailboxId }, data: { createdAt: new Date(Date.now() - 400 * 86_400_000) } });
    await purgeExpiredMessages();
    expect(await db().message.count({ where: { mailboxId: m.ctx.mailboxId, purgedAt: { not: null } } })).toBe(0);
  });

  it("prunes old event-log lines and sign-in attempts, keeping recent ones", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `admin@${N.domain}`, { tenant: N });
    const old = new Date(Date.now() - 200 * 86_400_000);
    await db().event.create({ data: { ...m.ctx, code: "old_line", message: "old", createdAt: old } });
    await db().event.create({ data: { ...m.ctx, code: "new_line", message: "new" } });
    await db().loginAttempt.create({ data: { email: "x@msp.test", ip: "127.0.0.1", isSuccess: false, createdAt: old } });
    const r = await pruneLogs();
    expect(r.events).toBeGreaterThanOrEqual(1);
    expect(r.loginAttempts).toBeGreaterThanOrEqual(1);
    expect((await db().event.findMany({ where: { mailboxId: m.ctx.mailboxId }, select: { code: true } })).map((e) => e.code)).toEqual([
      "new_line",
    ]);
  });
});
