// Integration: mailbox sync against the sandbox over IMAP and Graph, with real PostgreSQL: every
// message stored once (also across a UIDVALIDITY reset and an expired delta), new mail picked up,
// after-processing applied, and work shared between workers by leases.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { syncMailbox, type TSyncState } from "./sync-mailbox";
import { claimDueMailboxes, releaseLease } from "./claim";
import { LEASE_MS, syncDueMailboxes } from "./sync-loop";

const env = sandboxForFile();
const F = SEED.fabrikam;
const GRAPH = ["https://graph.microsoft.com/Mail.ReadWrite"];
const inboxCount = async (address: string) => (await env.sb.admin("GET", `/admin/mail/mailboxes/${address}?limit=1`)).body.total as number;
const stored = (mailboxId: string) => db().message.count({ where: { mailboxId } });
const deliver = (address: string, subject: string) =>
  env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
    raw: `From: Customer <customer@example.com>\r\nTo: ${address}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, "")}@example.com>\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello\r\n`,
  });

describe("mailbox sync", { timeout: 120_000 }, () => {
  it("IMAP: first sync stores the whole folder with progress, then only new mail, never twice", async () => {
    const address = `helpdesk@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: F });
    const total = await inboxCount(address);
    expect(total).toBeGreaterThan(100);
    expect(await syncMailbox(m.ctx)).toEqual({ ok: true, stored: total, skipped: 0 });
    expect(await stored(m.ctx.mailboxId)).toBe(total);
    const st = (await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).syncState as TSyncState;
    expect(st.progress).toMatchObject({ done: total, total });
    expect(st.progress!.finishedAt).toBeTruthy();
    const sample = await db().message.findFirstOrThrow({
      where: { mailboxId: m.ctx.mailboxId },
      select: { rawMime: true, subject: true, internetMessageId: true },
    });
    expect(Buffer.from(sample.rawMime).toString("utf8")).toContain(`Subject: ${sample.subject}`);

    expect(await syncMailbox(m.ctx)).toEqual({ ok: true, stored: 0, skipped: 0 });
    await deliver(address, "New ticket 1");
    await deliver(address, "New ticket 2");
    expect(await syncMailbox(m.ctx)).toEqual({ ok: true, stored: 2, skipped: 0 });

    // Exchange rebuilt the folder: every UID is new, but nothing is stored twice.
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/folders/INBOX/reset-uidvalidity`);
    const again = await syncMailbox(m.ctx);
    expect(again).toMatchObject({ ok: true, stored: 0 });
    expect(await stored(m.ctx.mailboxId)).toBe(total + 2);
  });

  it("IMAP after-processing: mark as read", async () => {
    const address = `bob@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: F, mailbox: { afterProcessing: "mark_read" } });
    await syncMailbox(m.ctx);
    const box = (await env.sb.admin("GET", `/admin/mail/mailboxes/${address}?limit=500`)).body;
    expect(box.folders.find((f: { wellKnown: string }) => f.wellKnown === "inbox").unseen).toBe(0);
  });

  it("Graph: delta sync stores everything once, then new mail; an expired delta resyncs without duplicates", async () => {
    const address = `it@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: F, scopes: GRAPH, mailbox: { inbound: "graph", outbound: "none" } });
    const total = await inboxCount(address);
    expect(await syncMailbox(m.ctx)).toEqual({ ok: true, stored: total, skipped: 0 });
    await deliver(address, "Graph ticket");
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 1 });
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/invalidate-delta`);
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 0 });
    expect(await stored(m.ctx.mailboxId)).toBe(total + 1);
    expect(await db().event.count({ where: { mailboxId: m.ctx.mailboxId, code: "graph_delta_expired" } })).toBe(1);
  });

  it("a failing mailbox gets a diagnosis and doesn't stop the others", async () => {
    await env.sb.admin("PATCH", `/admin/users/admin@${F.domain}`, { imapEnabled: false });
    const m = await mailboxWithSandboxGrant(env.sb, `admin@${F.domain}`, { tenant: F });
    const r = await syncMailbox(m.ctx);
    expect(r).toEqual({ ok: false, code: "mailbox_unlicensed_or_imap_disabled", transient: false });
    expect(await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId }, select: { state: true, stateCode: true } })).toEqual({
      state: "degraded",
      stateCode: "mailbox_unlicensed_or_imap_disabled",
    });
    await env.sb.admin("PATCH", `/admin/users/admin@${F.domain}`, { imapEnabled: true });
  });

  it("leases: two workers never claim the same mailbox; an expired lease is taken over", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${SEED.northwind.domain}`, { tenant: SEED.northwind, scopes: [IMAP_SCOPE] });
    await db().mailbox.updateMany({ data: { nextSyncAt: new Date(Date.now() + 3600_000) } });
    await db().mailbox.update({
      where: { id: m.ctx.mailboxId },
      data: { nextSyncAt: new Date(0), leaseOwner: null, leaseExpiresAt: null },
    });
    const only = [m.ctx.mailboxId];
    const [a, b] = await Promise.all([
      claimDueMailboxes("worker-a", { limit: 10, leaseMs: 60_000, only }),
      claimDueMailboxes("worker-b", { limit: 10, leaseMs: 60_000, only }),
    ]);
    expect([...a, ...b].map((x) => x.id)).toEqual([m.ctx.mailboxId]);
    // worker-a "dies": its lease expires and worker-c takes the mailbox.
    const owner = a.length ? "worker-a" : "worker-b";
    expect(await claimDueMailboxes("worker-c", { limit: 10, leaseMs: 60_000, only })).toEqual([]);
    expect(await claimDueMailboxes("worker-c", { limit: 10, leaseMs: 60_000, only, now: new Date(Date.now() + 61_000) })).toMatchObject([
      { id: m.ctx.mailboxId },
    ]);
    // The old owner can no longer release (or reschedule) what it lost.
    await releaseLease(m.ctx.mailboxId, owner, new Date(Date.now() + 3600_000));
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).leaseOwner).toBe("worker-c");
  });

  it(
    "a live worker keeps its short lease through a long sync (renewed on a timer); only a dead one's lease lapses",
    { timeout: 40_000 },
    async () => {
      const address = `it@${SEED.northwind.domain}`;
      const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: SEED.northwind, scopes: [IMAP_SCOPE] });
      await db().mailbox.update({
        where: { id: m.ctx.mailboxId },
        data: { nextSyncAt: new Date(0), leaseOwner: null, leaseExpiresAt: null },
      });
      // The server stalls 12 s before answering AUTHENTICATE: no batch completes meanwhile.
      await env.sb.admin("POST", "/admin/mail/faults", { address, stallSeconds: 12, connections: 1 });
      const claimedAt = Date.now();
      const only = [m.ctx.mailboxId];
      const running = syncDueMailboxes("worker-live", { concurrency: 1, only });
      await new Promise((r) => setTimeout(r, 11_000));
      const lease = await db().mailbox.findUniqueOrThrow({
        where: { id: m.ctx.mailboxId },
        select: { leaseOwner: true, leaseExpiresAt: true },
      });
      expect(lease.leaseOwner).toBe("worker-live");
      expect(lease.leaseExpiresAt!.getTime()).toBeGreaterThan(claimedAt + LEASE_MS + 5_000);
      // Past the first lease's end, another worker still can't take it.
      expect(
        await claimDueMailboxes("worker-thief", { limit: 10, leaseMs: LEASE_MS, only, now: new Date(claimedAt + LEASE_MS + 1_000) }),
      ).toEqual([]);
      expect(await running).toBe(1);
      expect((await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).leaseOwner).toBeNull();
    },
  );
});
