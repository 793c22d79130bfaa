// Integration: the state history (written by the database trigger) replayed into daily health.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { healthTrend } from "./trends";

const DAY = 86_400_000;

describe("health trend", () => {
  it("replays changes into end-of-day states, counting breakages and recoveries, scoped to tenants", async () => {
    const ws = await db().workspace.create({ data: { name: "Trend", slug: `trend-${randomUUID()}` } });
    const t = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", cloud: "global" } });
    const other = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "O", cloud: "global" } });
    const mb = await db().mailbox.create({ data: { workspaceId: ws.id, tenantId: t.id, address: "a@t.example.com" } });
    await db().mailbox.create({ data: { workspaceId: ws.id, tenantId: other.id, address: "b@o.example.com", state: "failing" } });
    // The trigger recorded each creation; rewrite this mailbox's history into the past.
    expect(await db().mailboxStateChange.count({ where: { workspaceId: ws.id } })).toBe(2);
    await db().mailboxStateChange.deleteMany({ where: { mailboxId: mb.id } });
    const now = new Date();
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    const rows: [number, string | null, string][] = [
      [20, null, "pending_consent"],
      [9, "pending_consent", "connected"],
      [5, "connected", "failing"],
      [4, "failing", "needs_reconsent"],
      [3, "needs_reconsent", "connected"],
    ];
    for (const [d, from, to] of rows) {
      await db().mailboxStateChange.create({
        data: { workspaceId: ws.id, tenantId: t.id, mailboxId: mb.id, fromState: from as never, toState: to as never, createdAt: at(d) },
      });
    }
    const scope = { workspaceId: ws.id, hasAllTenants: false, tenantIds: [t.id] };
    const trend = await healthTrend(scope, { days: 14, now });
    expect(trend).toHaveLength(14);
    const byAgo = (d: number) => trend[13 - d];
    expect(byAgo(13)).toMatchObject({ pending: 1, connected: 0 });
    expect(byAgo(9)).toMatchObject({ connected: 1, pending: 0 });
    expect(byAgo(5)).toMatchObject({ attention: 1, connected: 0, broke: 1 });
    expect(byAgo(4)).toMatchObject({ needsReconsent: 1, attention: 0, broke: 0 });
    expect(byAgo(3)).toMatchObject({ connected: 1, recovered: 1 });
    expect(byAgo(0)).toMatchObject({ connected: 1, attention: 0 });
    // The other tenant's failing mailbox counts only for a caller who may see it.
    expect((await healthTrend({ ...scope, hasAllTenants: true }, { days: 14, now }))[13]).toMatchObject({ connected: 1, attention: 1 });
    await expect(healthTrend(scope, { tenantId: other.id })).rejects.toMatchObject({ status: 404 });
  });
});
