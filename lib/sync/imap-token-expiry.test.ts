// Integration: IMAP sessions that outlive their access token, against the sandbox (which ends a
// session at its next command once the AUTHENTICATE token's exp has passed, with
// `* BYE Session invalidated - AccessTokenExpired`, as Exchange Online does). Tokens live 60
// seconds here. The sync of a big folder whose token expires mid-read signs in again and stores
// every message exactly once; an IDLE watch replaces its session before the token expires, so mail
// delivered after the first token's expiry still makes the mailbox due at once.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { waitFor } from "../../testing/wait-for";
import { syncMailbox } from "./sync-mailbox";
import { IdleWatcher } from "./imap-idle";

const N = SEED.northwind;
const env = sandboxForFile();
const LIFETIME_S = 60;
const inboxCount = async (address: string) => (await env.sb.admin("GET", `/admin/mail/mailboxes/${address}?limit=1`)).body.total as number;
/** Moves the sandbox clock past the lifetime of every token issued so far. */
const expireTokens = () => env.sb.admin("POST", "/admin/clock", { advanceDays: (LIFETIME_S + 1) / 86_400 });

describe("IMAP across an access token's expiry", { timeout: 180_000 }, () => {
  it("a long FETCH: the token expires mid-sync, the reader signs in again and stores every message exactly once", async () => {
    expect((await env.sb.admin("POST", "/admin/token-lifetime", { seconds: LIFETIME_S })).status).toBe(200);
    try {
      const address = `bob@${N.domain}`;
      expect((await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/bulk-load`, { count: 1500, size: 4096 })).status).toBe(201);
      const total = await inboxCount(address);
      const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: N });
      let batches = 0;
      let expiredAfter = 0;
      const r = await syncMailbox(m.ctx, {
        limits: { maxBatchBytes: 256 * 1024 }, // ~60 messages a batch: many UID FETCH commands
        onBatch: async () => {
          // After the third stored batch the session's token is past its exp: the next UID FETCH
          // gets the BYE, and the round must carry on in a new session.
          if (++batches === 3) {
            await expireTokens();
            expiredAfter = (await db().message.count({ where: { mailboxId: m.ctx.mailboxId } })) || -1;
          }
          return true;
        },
      });
      expect(expiredAfter).toBeGreaterThan(0);
      expect(expiredAfter).toBeLessThan(total);
      expect(r).toEqual({ ok: true, stored: total, skipped: 0 });
      expect(await db().message.count({ where: { mailboxId: m.ctx.mailboxId } })).toBe(total);
      const keys = await db().message.groupBy({ by: ["sourceKey"], where: { mailboxId: m.ctx.mailboxId }, _count: true });
      expect(keys.every((k) => k._count === 1)).toBe(true);
      // And the next round finds nothing new.
      expect(await syncMailbox(m.ctx)).toEqual({ ok: true, stored: 0, skipped: 0 });
    } finally {
      await env.sb.admin("POST", "/admin/token-lifetime", { seconds: null });
    }
  });

  it("IDLE: the watch renews its session before the token expires; the next EXISTS after expiry still makes the mailbox due", async () => {
    expect((await env.sb.admin("POST", "/admin/token-lifetime", { seconds: LIFETIME_S })).status).toBe(200);
    const address = `helpdesk@${N.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: N });
    const w = new IdleWatcher("watcher-expiry", 5, undefined, [m.ctx.mailboxId]);
    try {
      expect(await w.tick()).toBe(1);
      expect(await waitFor(async () => w.isIdling(m.ctx.mailboxId), 15_000)).toBe(true);
      const first = w.sessionOf(m.ctx.mailboxId);
      const openedAt = Date.now();
      // Real time passes the first token's 60 seconds: the watch has moved to a new session by then.
      expect(
        await waitFor(async () => {
          const s = w.sessionOf(m.ctx.mailboxId);
          return !!s && s !== first && w.isIdling(m.ctx.mailboxId);
        }, 75_000),
      ).toBe(true);
      const left = LIFETIME_S * 1000 + 2_000 - (Date.now() - openedAt);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { nextSyncAt: new Date(Date.now() + 3600_000) } });
      const t0 = Date.now();
      await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
        raw: `From: a@example.com\nTo: ${address}\nSubject: after the first token expired\n\nhi\n`,
      });
      expect(
        await waitFor(
          async () => (await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).nextSyncAt!.getTime() <= Date.now(),
          5_000,
        ),
      ).toBe(true);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await w.stop();
      await env.sb.admin("POST", "/admin/token-lifetime", { seconds: null });
    }
  });

  it("IDLE: a session ended by BYE AccessTokenExpired is re-opened at once with a fresh token, and mail that came meanwhile makes the mailbox due", async () => {
    expect((await env.sb.admin("POST", "/admin/token-lifetime", { seconds: LIFETIME_S })).status).toBe(200);
    const address = `it@${N.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: N });
    const w = new IdleWatcher("watcher-bye", 5, undefined, [m.ctx.mailboxId]);
    try {
      expect(await w.tick()).toBe(1);
      expect(await waitFor(async () => w.isIdling(m.ctx.mailboxId), 15_000)).toBe(true);
      const first = w.sessionOf(m.ctx.mailboxId)!;
      await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { nextSyncAt: new Date(Date.now() + 3600_000) } });
      // The sandbox clock jumps past the token's exp: the idling session is dead (no pushes) ...
      await expireTokens();
      await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
        raw: `From: a@example.com\nTo: ${address}\nSubject: while the session was dead\n\nhi\n`,
      });
      // ... and learns it at its next command (imapflow's DONE ends the IDLE for a NOOP here).
      await first.noop().catch(() => undefined);
      expect(
        await waitFor(async () => {
          const s = w.sessionOf(m.ctx.mailboxId);
          return !!s && s !== first && w.isIdling(m.ctx.mailboxId);
        }, 15_000),
      ).toBe(true);
      expect(
        await waitFor(
          async () => (await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).nextSyncAt!.getTime() <= Date.now(),
          5_000,
        ),
      ).toBe(true);
    } finally {
      await w.stop();
      await env.sb.admin("POST", "/admin/token-lifetime", { seconds: null });
    }
  });
});
