// Integration (real PostgreSQL): announceDue makes a mailbox due and wakes every listener through
// LISTEN/NOTIFY in the same statement; a listener whose connection is killed comes back by itself.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { waitFor } from "../../testing/wait-for";
import { announceDue, DUE_CHANNEL, listenDue } from "./wakeups";

async function mailbox(nextSyncAt: Date | null) {
  const ws = await db().workspace.create({ data: { name: "Wake-ups", slug: `wk-${randomUUID()}` } });
  const tenant = await db().tenant.create({
    data: { workspaceId: ws.id, displayName: "t", directoryId: randomUUID(), primaryDomain: "wake.test", cloud: "sandbox" },
  });
  return db().mailbox.create({
    data: { workspaceId: ws.id, tenantId: tenant.id, address: `${randomUUID()}@wake.test`, state: "connected", nextSyncAt },
  });
}

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops) await s();
});

describe("push wake-ups", () => {
  it("announceDue makes the mailbox due and every listener hears its id; an earlier due time stays", async () => {
    const later = await mailbox(new Date(Date.now() + 3600_000));
    const earlier = new Date(Date.now() - 60_000);
    const already = await mailbox(earlier);
    const heardA: string[] = [];
    const heardB: string[] = [];
    stops.push(await listenDue((id) => heardA.push(id)));
    stops.push(await listenDue((id) => heardB.push(id)));
    const t0 = Date.now();
    await announceDue([later.id, already.id, later.id]);
    expect(await waitFor(async () => heardA.length >= 2 && heardB.length >= 2, 5_000, 5)).toBe(true);
    expect(heardA.sort()).toEqual([later.id, already.id].sort());
    expect(heardB.sort()).toEqual([later.id, already.id].sort());
    const rows = await db().mailbox.findMany({ where: { id: { in: [later.id, already.id] } }, select: { id: true, nextSyncAt: true } });
    const due = new Map(rows.map((r) => [r.id, r.nextSyncAt!.getTime()]));
    expect(due.get(later.id)).toBeGreaterThanOrEqual(t0 - 1000);
    expect(due.get(later.id)).toBeLessThanOrEqual(Date.now());
    expect(due.get(already.id)).toBe(earlier.getTime());
  });

  it("an unknown id wakes nobody; an empty list sends nothing", async () => {
    const heard: string[] = [];
    stops.push(await listenDue((id) => heard.push(id)));
    await announceDue([randomUUID()]);
    await announceDue([]);
    const m = await mailbox(null);
    await announceDue([m.id]);
    expect(await waitFor(async () => heard.length >= 1, 5_000, 5)).toBe(true);
    expect(heard).toEqual([m.id]);
  });

  it("a listener whose connection is killed reconnects and hears later announcements", async () => {
    const heard: string[] = [];
    let drops = 0;
    let reconnects = 0;
    const appName = `wake-${randomUUID().slice(0, 8)}`;
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set("application_name", appName);
    stops.push(
      await listenDue((id) => heard.push(id), {
        url: url.toString(),
        retryMs: 50,
        onDrop: () => drops++,
        onReconnect: () => reconnects++,
      }),
    );
    const killed = await db().$queryRawUnsafe<{ ok: boolean }[]>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`,
      appName,
    );
    expect(killed).toEqual([{ ok: true }]);
    expect(await waitFor(async () => reconnects === 1, 10_000, 20)).toBe(true);
    expect(drops).toBe(1);
    // Listening again on a new session.
    const again = await db().$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
      appName,
    );
    expect(again).toEqual([{ n: 1 }]);
    const m = await mailbox(null);
    await announceDue([m.id]);
    expect(await waitFor(async () => heard.includes(m.id), 5_000, 5)).toBe(true);
  });

  it("stopping ends the listener's session", async () => {
    const appName = `wake-${randomUUID().slice(0, 8)}`;
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set("application_name", appName);
    const heard: string[] = [];
    const stop = await listenDue((id) => heard.push(id), { url: url.toString() });
    await stop();
    const m = await mailbox(null);
    await db().$executeRawUnsafe(`SELECT pg_notify($1, $2)`, DUE_CHANNEL, m.id);
    expect(
      await waitFor(async () => {
        const [r] = await db().$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
          appName,
        );
        return r.n === 0;
      }),
    ).toBe(true);
    expect(heard).toEqual([]);
  });

  it("a push never cuts a mailbox's back-off short (Microsoft's Retry-After): it stays due later", async () => {
    const until = new Date(Date.now() + 600_000);
    const backingOff = await mailbox(until);
    await db().mailbox.update({ where: { id: backingOff.id }, data: { syncState: { failures: 2 } } });
    await announceDue([backingOff.id]);
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: backingOff.id } })).nextSyncAt).toEqual(until);
  });
});
