// Integration: the worker's sync pool and failover against the sandbox over IMAP, with real
// PostgreSQL. The pool keeps its slots full and never runs more than its concurrency; a wake
// starts a mailbox's sync at once; a dead worker's leases (sync and IMAP watch) are released from
// its heartbeat, not its lease's end; and a worker paused past that which wakes up stores nothing
// twice and can't move the cursor back.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { claimDueMailboxes, deadAfterMs, releaseDeadWorkerLeases } from "./claim";
import { SyncScheduler } from "./scheduler";
import { LEASE_MS, syncClaimed } from "./sync-loop";
import { PUSHED_SYNC_INTERVAL_MS, SYNC_INTERVAL_MS, type TSyncState } from "./sync-mailbox";

const env = sandboxForFile();
const F = SEED.fabrikam;
const stored = (mailboxId: string) => db().message.count({ where: { mailboxId } });
const until = async (ok: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A sandbox user of its own with `n` messages, and its Consentry mailbox (due now). */
async function userWithMail(n: number) {
  const upn = `pool-${randomUUID().slice(0, 8)}@${F.domain}`;
  const u = await env.sb.admin("POST", "/admin/users", { upn, password: "Passw0rd!Passw0rd" });
  expect(u.status).toBe(201);
  if (n) {
    const g = await env.sb.admin("POST", `/admin/mail/mailboxes/${upn}/messages`, { generate: { count: n, size: 2000 } });
    expect(g.status).toBe(201);
  }
  const m = await mailboxWithSandboxGrant(env.sb, upn, { tenant: F });
  await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { nextSyncAt: new Date(0) } });
  return { upn, ...m, id: m.ctx.mailboxId };
}

describe("sync pool and failover", { timeout: 120_000 }, () => {
  it("polls a mailbox whose mail is pushed (a live IDLE watch) only as a safety net; others every minute", async () => {
    const [pushed, polled] = await Promise.all([userWithMail(1), userWithMail(1)]);
    const worker = `poll-${randomUUID()}`;
    await db().mailbox.update({
      where: { id: pushed.id },
      data: { watchOwner: "another-worker", watchExpiresAt: new Date(Date.now() + 30_000) },
    });
    for (const c of await claimDueMailboxes(worker, { limit: 2, leaseMs: LEASE_MS, only: [pushed.id, polled.id] }))
      await syncClaimed(worker, c);
    const next = async (id: string) => (await db().mailbox.findUniqueOrThrow({ where: { id } })).nextSyncAt!.getTime() - Date.now();
    expect(await stored(pushed.id)).toBe(1);
    expect(await next(pushed.id)).toBeGreaterThan(PUSHED_SYNC_INTERVAL_MS - 20_000);
    expect(await next(polled.id)).toBeLessThanOrEqual(SYNC_INTERVAL_MS);
    expect(await next(polled.id)).toBeGreaterThan(SYNC_INTERVAL_MS - 20_000);
  });

  it("keeps its slots full, never runs more than its concurrency, and a wake starts a sync at once", async () => {
    const boxes = await Promise.all([0, 1, 2, 3, 4].map(() => userWithMail(3)));
    const only = boxes.map((b) => b.id);
    let peak = 0;
    const s = new SyncScheduler(`pool-${randomUUID()}`, { concurrency: 2, only, maxSleepMs: 60_000 });
    const probe = setInterval(() => (peak = Math.max(peak, s.busy)), 5);
    void s.start();
    try {
      await until(async () => (await db().message.count({ where: { mailboxId: { in: only } } })) === 15);
      await until(async () => s.busy === 0);
      expect(peak).toBe(2);
      const rows = await db().mailbox.findMany({
        where: { id: { in: only } },
        select: { leaseOwner: true, nextSyncAt: true, lastSyncAt: true },
      });
      for (const r of rows) {
        expect(r.leaseOwner).toBeNull();
        expect(r.lastSyncAt).toBeTruthy(); // written with the lease release
        expect(r.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
      }
      // Asleep (nothing due for a minute, and its bound is a minute): new mail plus a wake is synced in well under a second.
      await new Promise((r) => setTimeout(r, 300));
      await env.sb.admin("POST", `/admin/mail/mailboxes/${boxes[0].upn}/messages`, { generate: { count: 1, size: 1000 } });
      await db().mailbox.update({ where: { id: boxes[0].id }, data: { nextSyncAt: new Date() } });
      const t = Date.now();
      s.wake(boxes[0].id);
      await until(async () => (await stored(boxes[0].id)) === 4, 5_000);
      expect(Date.now() - t).toBeLessThan(1_000);
    } finally {
      clearInterval(probe);
      await s.stop();
    }
  });

  it("a poll that finds nothing new writes no sync state", async () => {
    const b = await userWithMail(2);
    const s = () => syncClaimed("poll-w", { id: b.id, workspaceId: b.ctx.workspaceId, tenantId: b.ctx.tenantId });
    await claimDueMailboxes("poll-w", { limit: 1, leaseMs: LEASE_MS, only: [b.id] });
    await s();
    const before = (await db().mailbox.findUniqueOrThrow({ where: { id: b.id }, select: { syncState: true } })).syncState as TSyncState;
    expect(before.progress).toMatchObject({ done: 2, total: 2 });
    expect(before.progress!.finishedAt).toBeTruthy();
    const firstSyncAt = (await db().mailbox.findUniqueOrThrow({ where: { id: b.id }, select: { lastSyncAt: true } })).lastSyncAt!;
    await db().mailbox.update({ where: { id: b.id }, data: { nextSyncAt: new Date(0) } });
    await new Promise((r) => setTimeout(r, 20));
    expect(await claimDueMailboxes("poll-w", { limit: 1, leaseMs: LEASE_MS, only: [b.id] })).toHaveLength(1);
    await s();
    // Untouched (the old success path rewrote the progress's finishedAt every round); lastSyncAt still moves.
    const after = await db().mailbox.findUniqueOrThrow({ where: { id: b.id }, select: { syncState: true, lastSyncAt: true } });
    expect(after.syncState).toEqual(before);
    expect(after.lastSyncAt!.getTime()).toBeGreaterThan(firstSyncAt.getTime());
  });

  it("a dead worker's sync and watch leases are released from its heartbeat; a live one's stay", async () => {
    const [a, b] = await Promise.all([userWithMail(0), userWithMail(0)]);
    const dead = `dead-${randomUUID()}`;
    const live = `live-${randomUUID()}`;
    const old = new Date(Date.now() - 60_000);
    await db().workerHeartbeat.createMany({
      data: [
        { id: dead, hostname: "h", pid: 1, version: "t", lastBeatAt: old },
        { id: live, hostname: "h", pid: 2, version: "t" },
      ],
    });
    const lease = new Date(Date.now() + LEASE_MS);
    await db().mailbox.update({
      where: { id: a.id },
      data: { leaseOwner: dead, leaseExpiresAt: lease, watchOwner: dead, watchExpiresAt: lease },
    });
    await db().mailbox.update({
      where: { id: b.id },
      data: { leaseOwner: live, leaseExpiresAt: lease, watchOwner: dead, watchExpiresAt: lease },
    });
    // Nobody can claim either yet (both leases run 30 s).
    expect(await claimDueMailboxes("other", { limit: 5, leaseMs: LEASE_MS, only: [a.id, b.id] })).toEqual([]);
    expect(await releaseDeadWorkerLeases(deadAfterMs(2))).toBe(2);
    const rows = await db().mailbox.findMany({
      where: { id: { in: [a.id, b.id] } },
      select: { id: true, leaseOwner: true, watchOwner: true, leaseExpiresAt: true },
    });
    expect(rows.find((r) => r.id === a.id)).toMatchObject({ leaseOwner: null, watchOwner: null, leaseExpiresAt: null });
    expect(rows.find((r) => r.id === b.id)).toMatchObject({ leaseOwner: live, watchOwner: null });
    expect((await db().workerHeartbeat.findUniqueOrThrow({ where: { id: dead } })).status).toBe("dead");
    // Reaped once: a second pass finds nothing (and doesn't touch the live worker).
    expect(await releaseDeadWorkerLeases(deadAfterMs(2))).toBe(0);
    expect(await claimDueMailboxes("other", { limit: 5, leaseMs: LEASE_MS, only: [a.id, b.id] })).toMatchObject([{ id: a.id }]);
  });

  it("a paused worker that comes back after the takeover stores nothing twice and leaves the new owner's cursor", async () => {
    const b = await userWithMail(120);
    const paused = `paused-${randomUUID()}`;
    await db().workerHeartbeat.create({ data: { id: paused, hostname: "h", pid: 3, version: "t" } });
    const c = { id: b.id, workspaceId: b.ctx.workspaceId, tenantId: b.ctx.tenantId };
    expect(await claimDueMailboxes(paused, { limit: 1, leaseMs: LEASE_MS, only: [b.id] })).toHaveLength(1);
    // The "paused" worker's connection stalls 4 s before AUTHENTICATE answers (a stopped process).
    await env.sb.admin("POST", "/admin/mail/faults", { address: b.upn, stallSeconds: 4, connections: 1 });
    const late = syncClaimed(paused, c);
    await new Promise((r) => setTimeout(r, 500));
    // Its heartbeat stops: another worker reaps it and syncs the mailbox whole.
    await db().workerHeartbeat.update({ where: { id: paused }, data: { lastBeatAt: new Date(Date.now() - 60_000) } });
    expect(await releaseDeadWorkerLeases(deadAfterMs(2))).toBe(1);
    const s = new SyncScheduler("taker", { concurrency: 1, only: [b.id] });
    void s.start();
    await until(async () => (await stored(b.id)) === 120);
    await until(async () => s.busy === 0);
    await s.stop();
    const taken = await db().mailbox.findUniqueOrThrow({ where: { id: b.id }, select: { syncState: true, nextSyncAt: true } });
    // The paused worker wakes up, reads everything again: its batch inserts nothing, its lease is gone, it stops.
    await late;
    expect(await stored(b.id)).toBe(120);
    const dup = await db().$queryRaw<{ n: bigint }[]>`
      SELECT COUNT(*) AS n FROM (SELECT "internetMessageId" FROM "Message" WHERE "mailboxId" = ${b.id}
        GROUP BY "internetMessageId" HAVING COUNT(*) > 1) d`;
    expect(Number(dup[0].n)).toBe(0);
    const now = await db().mailbox.findUniqueOrThrow({
      where: { id: b.id },
      select: { syncState: true, nextSyncAt: true, leaseOwner: true },
    });
    expect(now.syncState).toEqual(taken.syncState);
    expect((now.syncState as TSyncState).imap!.lastUid).toBeGreaterThan(0);
    expect(now.nextSyncAt).toEqual(taken.nextSyncAt);
    expect(now.leaseOwner).toBeNull();
  });
});
