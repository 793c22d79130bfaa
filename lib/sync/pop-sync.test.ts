// Integration: POP3 inbound against the sandbox's POP server: everything once by UIDL, new mail
// on the next round with its headers, delete after storing (committed by QUIT), a refused
// sign-in diagnosed, and a long round across the sign-in token's expiry (Exchange ends the
// session; the reader signs in again with a fresh token and resumes, exactly-once).
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { syncMailbox } from "./sync-mailbox";

const F = SEED.fabrikam;
const env = sandboxForFile();
const POP = `${OUTLOOK}/POP.AccessAsUser.All`;
const count = async (address: string) => (await env.sb.admin("GET", `/admin/mail/mailboxes/${address}?limit=1`)).body.total as number;

describe("POP3 sync", { timeout: 60_000 }, () => {
  it("a long round across the token's expiry (60-second tokens): resumes with a fresh token, nothing lost, stored or deleted twice", async () => {
    const address = `helpdesk@${F.domain}`;
    await env.sb.admin("POST", "/admin/token-lifetime", { seconds: 60 });
    try {
      await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, { generate: { count: 30, size: 3000, seed: 11 } });
      const m = await mailboxWithSandboxGrant(env.sb, address, {
        tenant: F,
        scopes: [POP],
        mailbox: { inbound: "pop", outbound: "none", afterProcessing: "delete" },
      });
      const onServer = await count(address);
      const sealed = () => db().grant.findFirstOrThrow({ where: { mailboxId: m.ctx.mailboxId }, select: { sealedAccessToken: true } });
      let batches = 0;
      let tokenAtFirstBatch: unknown;
      const r = await syncMailbox(m.ctx, {
        limits: { maxBatchBytes: 10_000 }, // a few messages per batch: many batches in one session
        onBatch: async () => {
          if (++batches === 1) {
            tokenAtFirstBatch = (await sealed()).sealedAccessToken;
            // 61 seconds later on the sandbox clock: the token the session signed in with has expired.
            await env.sb.admin("POST", "/admin/clock", { advanceDays: 61 / 86_400 });
          }
          return true;
        },
      });
      expect(r).toMatchObject({ ok: true, stored: onServer });
      expect(batches).toBeGreaterThan(2);
      // A fresh token was fetched mid-round (the session was resumed, not restarted from scratch).
      expect((await sealed()).sealedAccessToken).not.toEqual(tokenAtFirstBatch);
      const rows = await db().message.findMany({ where: { mailboxId: m.ctx.mailboxId }, select: { sourceKey: true } });
      expect(rows).toHaveLength(onServer);
      expect(new Set(rows.map((x) => x.sourceKey)).size).toBe(onServer);
      expect(await count(address)).toBe(0); // deleted once stored, in the session that ended with QUIT
      expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 0 });
    } finally {
      await env.sb.admin("POST", "/admin/clock", { reset: true });
      await env.sb.admin("POST", "/admin/token-lifetime", { seconds: null });
    }
  });

  it("stores each message once by UIDL, then only what is new, with sender and subject", async () => {
    const address = `bob@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: F, scopes: [POP], mailbox: { inbound: "pop", outbound: "none" } });
    const onServer = await count(address);
    const first = await syncMailbox(m.ctx);
    expect(first).toMatchObject({ ok: true, stored: onServer });
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 0 });
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
      raw: `From: "Alice" <alice@example.com>\nTo: ${address}\nSubject: Over POP\nMessage-ID: <pop-1@example.com>\nDate: Sun, 29 Nov 2026 08:00:00 +0000\n\nhello\n`,
    });
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 1 });
    const row = await db().message.findFirstOrThrow({ where: { mailboxId: m.ctx.mailboxId, internetMessageId: "<pop-1@example.com>" } });
    expect(row).toMatchObject({ fromAddress: "alice@example.com", subject: "Over POP", folder: "INBOX" });
    expect(row.sourceKey).toMatch(/^pop:/);
    expect(row.receivedAt.toISOString()).toBe("2026-11-29T08:00:00.000Z");
    expect(Buffer.from(row.rawMime).toString()).toContain("hello");
  });

  it("deletes from the server only what it stored", async () => {
    const address = `it@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, {
      tenant: F,
      scopes: [POP],
      mailbox: { inbound: "pop", outbound: "none", afterProcessing: "delete" },
    });
    const onServer = await count(address);
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: onServer });
    expect(await count(address)).toBe(0);
    expect(await db().message.count({ where: { mailboxId: m.ctx.mailboxId } })).toBe(onServer);
  });

  it("a refused sign-in is diagnosed and marks the mailbox", async () => {
    const address = `admin@${F.domain}`;
    await env.sb.admin("PATCH", `/admin/users/${address}`, { popEnabled: false });
    try {
      const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: F, scopes: [POP], mailbox: { inbound: "pop", outbound: "none" } });
      const r = await syncMailbox(m.ctx);
      expect(r.ok).toBe(false);
      expect((await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).state).toBe("degraded");
    } finally {
      await env.sb.admin("PATCH", `/admin/users/${address}`, { popEnabled: true });
    }
  });
});
