// Integration: Graph ingest against the sandbox with real PostgreSQL: MIME through JSON $batch
// (pages of 100, so more than 20 ids a page), a first sync that fails late resumes from its saved
// page and downloads nothing already stored, a 429 inside a batch is waited out without failing
// the round, and a first sync larger than the request budget pauses and continues.
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { syncMailbox, type TSyncState } from "./sync-mailbox";

const env = sandboxForFile();
const F = SEED.fabrikam;
const GRAPH = ["https://graph.microsoft.com/Mail.ReadWrite"];
const inboxCount = async (address: string) => (await env.sb.admin("GET", `/admin/mail/mailboxes/${address}?limit=1`)).body.total as number;
const syncState = async (mailboxId: string) =>
  (await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId }, select: { syncState: true } })).syncState as TSyncState;
const throttle = (s: Record<string, number>) => env.sb.admin("PUT", "/admin/graph/throttling", s);
/** Requests the sandbox counted against this mailbox's budget since the last throttling PUT. */
const used = async (address: string) =>
  ((await env.sb.admin("GET", "/admin/graph/throttling/usage")).body.usage as { mailbox: string; requests: number }[])
    .filter((u) => u.mailbox === address)
    .reduce((n, u) => n + u.requests, 0);
/** Every stored message once: as many distinct source keys as rows, and as many as the folder holds. */
async function storedOnce(mailboxId: string) {
  const rows = await db().message.findMany({ where: { mailboxId }, select: { sourceKey: true } });
  return { rows: rows.length, distinct: new Set(rows.map((r) => r.sourceKey)).size };
}
const graphMailbox = async (address: string) =>
  mailboxWithSandboxGrant(env.sb, address, { tenant: F, scopes: GRAPH, mailbox: { inbound: "graph", outbound: "none" } });

afterEach(async () => {
  await throttle({ latencyMs: 0, requestsPerWindow: 10_000, windowSeconds: 600, concurrency: 4, retryAfterSeconds: 10 });
});

describe("Graph ingest", { timeout: 180_000 }, () => {
  it("a first sync that fails late resumes from its saved page: every message stored once, none downloaded again", async () => {
    const address = `helpdesk@${F.domain}`;
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/bulk-load`, { count: 150, size: 2048 });
    const total = await inboxCount(address);
    expect(total).toBeGreaterThan(200);
    const pages = Math.ceil(total / 100);
    const m = await graphMailbox(address);

    // Budget for the folder, page 1 and its 100 bodies, then page 2 and ten bodies: page 2's batches
    // meet TooManyRequests with a Retry-After of about a minute, longer than a round waits.
    await throttle({ requestsPerWindow: 1 + 1 + 100 + 1 + 10, windowSeconds: 120 });
    const failed = await syncMailbox(m.ctx);
    expect(failed).toMatchObject({ ok: false, code: "graph_throttled", transient: true });
    expect(await storedOnce(m.ctx.mailboxId)).toEqual({ rows: 100, distinct: 100 });
    const st = await syncState(m.ctx.mailboxId);
    expect(st.graph).toMatchObject({ folder: "INBOX", deltaLink: null, nextLink: expect.stringContaining("$skiptoken=") });
    expect(st.progress).toMatchObject({ done: 100, total });

    // The budget renewed: the next round starts at page 2 and fetches only what isn't stored.
    await throttle({ requestsPerWindow: 10_000, windowSeconds: 600 });
    const done = await syncMailbox(m.ctx);
    expect(done).toEqual({ ok: true, stored: total - 100, skipped: 0 });
    expect(await storedOnce(m.ctx.mailboxId)).toEqual({ rows: total, distinct: total });
    expect(await used(address)).toBe(pages - 1 + (total - 100));
    const after = await syncState(m.ctx.mailboxId);
    expect(after.graph).toMatchObject({ deltaLink: expect.stringContaining("$deltatoken="), nextLink: null });
    expect(after.progress).toMatchObject({ done: total, total, finishedAt: expect.any(String) });

    // Caught up: the next round is one delta request and downloads nothing.
    await throttle({ requestsPerWindow: 10_000 });
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 0 });
    expect(await used(address)).toBe(1);
  });

  it("waits out a 429 inside a batch (its Retry-After) without failing the round", async () => {
    const address = `bob@${F.domain}`;
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/bulk-load`, { count: 30, size: 1024 });
    const total = await inboxCount(address);
    const m = await graphMailbox(address);
    // One request at a time per mailbox: the reader's four batches in flight collide, and all but
    // one meet ApplicationThrottled (Retry-After 1) on their first request, 424 behind it.
    await throttle({ concurrency: 1, retryAfterSeconds: 1, latencyMs: 2 });
    expect(await syncMailbox(m.ctx)).toEqual({ ok: true, stored: total, skipped: 0 });
    expect(await storedOnce(m.ctx.mailboxId)).toEqual({ rows: total, distinct: total });
  });

  it("pauses a first sync at its request budget and continues from there after the window", async () => {
    const address = `it@${F.domain}`;
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/bulk-load`, { count: 150, size: 1024 });
    const total = await inboxCount(address);
    const m = await graphMailbox(address);
    // A budget of 250 requests a window (100 kept in reserve): one page of 100 bodies fits, a second doesn't.
    const paused = await syncMailbox(m.ctx, { limits: { graphRequestsPerWindow: 250 } });
    expect(paused).toMatchObject({ ok: true, stored: 100 });
    expect(paused.ok && paused.resumeAfterSeconds).toBeGreaterThan(500);
    expect(await used(address)).toBe(1 + 1 + 100);
    const st = await syncState(m.ctx.mailboxId);
    expect(st.graph?.nextLink).toBeTruthy();
    expect(st.progress?.finishedAt).toBeUndefined();
    expect(await db().event.count({ where: { mailboxId: m.ctx.mailboxId, code: "graph_request_budget" } })).toBe(1);

    const rest = await syncMailbox(m.ctx);
    expect(rest).toEqual({ ok: true, stored: total - 100, skipped: 0 });
    expect(await storedOnce(m.ctx.mailboxId)).toEqual({ rows: total, distinct: total });
  });
});
