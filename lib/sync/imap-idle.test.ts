// Integration: IMAP IDLE against the sandbox. New mail makes a watched mailbox due within a
// second or two; two workers never watch one mailbox; a stopped worker gives its watches back.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { waitFor } from "../../testing/wait-for";
import { IdleWatcher } from "./imap-idle";

const N = SEED.northwind;
const env = sandboxForFile();

describe("IMAP IDLE push", { timeout: 60_000 }, () => {
  it("new mail makes the watched mailbox due at once; one watcher per mailbox; stop gives it back", async () => {
    const address = `helpdesk@${N.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: N });
    const only = [m.ctx.mailboxId];
    const pushed: { id: string; at: number }[] = [];
    const a = new IdleWatcher("watcher-a", 5, undefined, only, { onNewMail: (id) => pushed.push({ id, at: Date.now() }) });
    const b = new IdleWatcher("watcher-b", 5, undefined, only);
    try {
      expect(await a.tick()).toBe(1);
      expect(await b.tick()).toBe(0);
      expect(a.watching).toEqual(only);
      await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { nextSyncAt: new Date(Date.now() + 3600_000) } });
      expect(await waitFor(async () => a.isIdling(m.ctx.mailboxId), 15_000)).toBe(true);
      const t0 = Date.now();
      await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
        raw: `From: a@example.com\nTo: ${address}\nSubject: IDLE me\n\nhi\n`,
      });
      expect(
        await waitFor(
          async () => (await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).nextSyncAt!.getTime() <= Date.now(),
        ),
      ).toBe(true);
      expect(Date.now() - t0).toBeLessThan(3000);
      // This process heard it directly, once, for this mailbox.
      expect(pushed.map((p) => p.id)).toEqual(only);
      expect(pushed[0].at - t0).toBeLessThan(3000);
      // A renewal keeps it ours; after stop, the other watcher takes it.
      expect(await a.tick()).toBe(0);
      expect((await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).watchOwner).toBe("watcher-a");
      await a.stop();
      expect(await b.tick()).toBe(1);
      expect(b.watching).toEqual(only);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("opens at most maxConnecting sessions at once and queues the rest; all end up idling", async () => {
    const ms = [];
    for (let i = 0; i < 5; i++) ms.push(await mailboxWithSandboxGrant(env.sb, `helpdesk@${N.domain}`, { tenant: N }));
    const ids = ms.map((m) => m.ctx.mailboxId);
    const w = new IdleWatcher("watcher-d", 10, undefined, ids, { maxConnecting: 2 });
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, w.opening.inFlight)), 1);
    try {
      expect(await w.tick()).toBe(5);
      expect(w.opening.inFlight).toBe(2);
      expect(w.opening.queued).toBe(3);
      expect(await waitFor(async () => ids.every((id) => w.isIdling(id)), 20_000)).toBe(true);
      expect(peak).toBe(2);
      expect(w.opening).toEqual({ inFlight: 0, queued: 0 });
    } finally {
      clearInterval(sample);
      await w.stop();
    }
    // Stop gave every watch back in one go.
    const rows = await db().mailbox.findMany({ where: { id: { in: ids } }, select: { watchOwner: true } });
    expect(rows.map((r) => r.watchOwner)).toEqual([null, null, null, null, null]);
  });

  it("a mailbox that needs re-consent is let go", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${N.domain}`, { tenant: N });
    const w = new IdleWatcher("watcher-c", 5, undefined, [m.ctx.mailboxId]);
    try {
      expect(await w.tick()).toBe(1);
      await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { state: "needs_reconsent" } });
      await w.tick();
      expect(w.watching).toEqual([]);
    } finally {
      await w.stop();
    }
  });
});
