// Integration (real PostgreSQL): the Health list paged, filtered and sorted in the database. Walking
// every page of every order yields each visible mailbox exactly once, in that order; the default
// "failing first" order equals the unpaged list's; counts per state match; a tenant-limited scope
// never sees another tenant, and filtering by a tenant outside it answers like a missing one;
// hostile query input is a 400.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { db } from "../db/client";
import { errorResponse, parseAll } from "../http/route";
import { bulkConnectionTests, bulkMailboxes, bulkTenants } from "../../testing/bulk-mailboxes";
import { listAllMailboxes } from "./list-all-mailboxes";
import { ATTENTION_STATES, MAILBOX_STATES, pageMailboxes, ZMailboxPageQuery, type TMailboxPageQuery } from "./mailbox-page";

let workspaceId = "";
let otherWorkspaceTenant = "";
let otherWorkspaceId = "";
let tenants: string[] = [];
const all = () => ({ workspaceId, hasAllTenants: true, tenantIds: [] as string[] });
const q = (over: Partial<Record<keyof TMailboxPageQuery, string>> = {}) => ZMailboxPageQuery.parse(over);

async function walk(scope: ReturnType<typeof all>, query: TMailboxPageQuery) {
  const out: Awaited<ReturnType<typeof pageMailboxes>>["items"] = [];
  for (let page = 1; ; page++) {
    const r = await pageMailboxes(scope, { ...query, page });
    out.push(...r.items);
    expect(r.items.length).toBeLessThanOrEqual(query.limit);
    if (!r.nextPage) {
      expect(out.length).toBe(r.total);
      return out;
    }
    expect(r.items.length).toBe(query.limit);
  }
}

beforeAll(async () => {
  const ws = await db().workspace.create({ data: { name: "Paging MSP", slug: `paging-${randomUUID().slice(0, 8)}` } });
  workspaceId = ws.id;
  tenants = await bulkTenants(workspaceId, "Paging", 6);
  await bulkMailboxes(workspaceId, tenants, 1, 23);
  await bulkConnectionTests(workspaceId, 4);
  // An app with an active secret behind some mailboxes, another without one behind others.
  const app = await db().appRegistration.create({ data: { workspaceId, displayName: "Paging app", clientId: randomUUID() } });
  await db().appSecret.create({
    data: {
      workspaceId,
      appRegistrationId: app.id,
      sealedValue: "x",
      last4: "abcd",
      status: "active",
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  const bare = await db().appRegistration.create({ data: { workspaceId, displayName: "Bare app", clientId: randomUUID() } });
  await db().mailbox.updateMany({ where: { tenantId: tenants[1] }, data: { appRegistrationId: app.id } });
  await db().mailbox.updateMany({ where: { tenantId: tenants[3] }, data: { appRegistrationId: bare.id } });
  const other = await db().workspace.create({ data: { name: "Other MSP", slug: `paging-o-${randomUUID().slice(0, 8)}` } });
  otherWorkspaceTenant = (await bulkTenants(other.id, "Elsewhere", 1))[0];
  await bulkMailboxes(other.id, [otherWorkspaceTenant], 1, 5);
  otherWorkspaceId = other.id;
  await db().mailbox.create({
    data: { workspaceId: other.id, tenantId: otherWorkspaceTenant, address: "odd_one%100@elsewhere.example.com" },
  });
});

describe("GET /api/mailboxes: paged in PostgreSQL", () => {
  it("failing first: every page in turn gives the unpaged list's order, each mailbox once", async () => {
    const full = await listAllMailboxes({ workspaceId, scope: all() });
    expect(full.length).toBe(6 * 23);
    const paged = await walk(all(), q({ limit: "7" }));
    expect(paged.map((m) => m.id)).toEqual(full.map((m) => m.id));
    // Row for row what the unpaged list gives (grants, connection tests and app secrets included).
    expect(JSON.stringify(paged)).toBe(JSON.stringify(full));
    expect(paged.filter((m) => m.checks).length).toBeGreaterThan(10);
    expect(paged.filter((m) => m.app?.activeSecret?.last4 === "abcd").length).toBe(23);
    expect(paged.filter((m) => m.app && !m.app.activeSecret).length).toBe(23);
    // The rows carry what the table and the matrix show.
    expect(paged[0]).toMatchObject({
      state: "needs_reconsent",
      tenantName: expect.stringMatching(/^Paging /),
      grant: { upn: paged[0].address },
    });
    // Reversed: the healthy and paused ones first, each state still by address.
    const rev = await walk(all(), q({ limit: "10", dir: "desc" }));
    expect(rev.map((m) => m.state)[0]).toBe("disabled");
    expect(new Set(rev.map((m) => m.id)).size).toBe(full.length);
  });

  it("counts per state and the total follow the other filters; state and 'needs attention' filter", async () => {
    const r = await pageMailboxes(all(), q());
    expect(Object.values(r.counts).reduce((a, b) => a + b, 0)).toBe(6 * 23);
    expect(r.total).toBe(6 * 23);
    expect(r.items.length).toBe(50);
    expect(r).toMatchObject({ page: 1, pageSize: 50, pages: 3, nextPage: 2 });
    const failing = await walk(all(), q({ state: "failing", limit: "5" }));
    expect(failing.length).toBe(r.counts.failing);
    expect(failing.every((m) => m.state === "failing")).toBe(true);
    const attention = await walk(all(), q({ attention: "1", limit: "200" }));
    expect(attention.length).toBe(ATTENTION_STATES.reduce((n, s) => n + r.counts[s], 0));
    expect(new Set(attention.map((m) => m.state))).toEqual(new Set(ATTENTION_STATES));
    // Past the last page: nothing, still the totals.
    const past = await pageMailboxes(all(), q({ page: "99" }));
    expect(past).toMatchObject({ items: [], total: 6 * 23, nextPage: null });
    // Filtered to one tenant, the counts are that tenant's.
    const one = await pageMailboxes(all(), q({ tenantId: tenants[2] }));
    expect(one.total).toBe(23);
    expect(one.items.every((m) => m.tenantId === tenants[2])).toBe(true);
    expect(MAILBOX_STATES.reduce((n, s) => n + one.counts[s], 0)).toBe(23);
  });

  it("each sort, both ways, pages through every mailbox once in order", async () => {
    const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
    for (const dir of ["asc", "desc"] as const) {
      const byAddress = await walk(all(), q({ sort: "address", dir, limit: "40" }));
      expect(byAddress.length).toBe(6 * 23);
      const addrs = byAddress.map((m) => m.address);
      expect(addrs).toEqual([...addrs].sort((a, b) => (dir === "asc" ? 1 : -1) * (a < b ? -1 : a > b ? 1 : 0)));

      const bySync = await walk(all(), q({ sort: "lastSync", dir, limit: "40" }));
      expect(new Set(bySync.map((m) => m.id)).size).toBe(6 * 23);
      const times = bySync.map((m) => (m.lastSyncAt ? m.lastSyncAt.toISOString() : null));
      // PostgreSQL's order: never-synced last going up, first going down.
      expect(times).toEqual([...times].sort((a, b) => (dir === "asc" ? cmp(a, b) : -cmp(a, b))));

      const byTenant = await walk(all(), q({ sort: "tenant", dir, limit: "40" }));
      expect(new Set(byTenant.map((m) => m.id)).size).toBe(6 * 23);
      const names = byTenant.map((m) => m.tenantName);
      expect(names).toEqual([...names].sort((a, b) => (dir === "asc" ? 1 : -1) * (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it("kind, protocol and text search filter; % and _ are themselves", async () => {
    const shared = await walk(all(), q({ kind: "shared", limit: "200" }));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.every((m) => m.kind === "shared")).toBe(true);
    const graph = await walk(all(), q({ protocol: "graph", limit: "200" }));
    expect(graph.every((m) => m.inbound === "graph" || m.outbound === "graph")).toBe(true);
    const pop = await walk(all(), q({ protocol: "pop", limit: "200" }));
    expect(pop.length).toBeGreaterThan(0);
    expect(pop.every((m) => m.inbound === "pop")).toBe(true);

    const one = await pageMailboxes(all(), q({ q: "BOX0007@PAGING-0003" }));
    expect(one.items.map((m) => m.address)).toEqual(["box0007@paging-0003.example.com"]);
    // The tenant's name matches too.
    expect((await pageMailboxes(all(), q({ q: "paging 0004", limit: "200" }))).total).toBe(23);
    // A LIKE wildcard matches only itself (no address has one).
    expect((await pageMailboxes(all(), q({ q: "%" }))).total).toBe(0);
    expect((await pageMailboxes(all(), q({ q: "box_007" }))).total).toBe(0);
    const other = { workspaceId: otherWorkspaceId, hasAllTenants: true, tenantIds: [] };
    for (const [text, n] of [
      ["d_o", 1],
      ["e%1", 1],
      ["odd", 1],
      ["dxo", 0],
      ["e%2", 0],
      ["%", 1],
      ["_", 1],
    ] as const)
      expect((await pageMailboxes(other, q({ q: text }))).total, text).toBe(n);
  });

  it("a tenant-limited scope sees only its tenants; a foreign or missing tenant filter is a 404", async () => {
    const limited = { workspaceId, hasAllTenants: false, tenantIds: [tenants[0], tenants[1]] };
    const seen = await walk(limited, q({ limit: "200" }));
    expect(seen.length).toBe(2 * 23);
    expect(new Set(seen.map((m) => m.tenantId))).toEqual(new Set([tenants[0], tenants[1]]));
    const r = await pageMailboxes(limited, q());
    expect(MAILBOX_STATES.reduce((n, s) => n + r.counts[s], 0)).toBe(2 * 23);
    // A search can't reach past the scope.
    expect((await pageMailboxes(limited, q({ q: "paging 0005" }))).total).toBe(0);
    for (const tenantId of [tenants[4], otherWorkspaceTenant, randomUUID()])
      await expect(pageMailboxes(limited, q({ tenantId }))).rejects.toMatchObject({ status: 404 });
    // Another workspace's tenant is missing even to a workspace-wide scope.
    await expect(pageMailboxes(all(), q({ tenantId: otherWorkspaceTenant }))).rejects.toMatchObject({ status: 404 });
    // A limited scope with no tenants sees nothing.
    expect((await pageMailboxes({ workspaceId, hasAllTenants: false, tenantIds: [] }, q())).total).toBe(0);
  });

  it("hostile query input is a 400 naming the parameter, never a 500", async () => {
    const status = async (search: string) => {
      try {
        await parseAll(new NextRequest(`http://app.test/api/mailboxes?${search}`), {}, { query: ZMailboxPageQuery });
        return 200;
      } catch (err) {
        return errorResponse(err).status;
      }
    };
    for (const bad of [
      "sort=password",
      "sort=address;drop",
      "dir=sideways",
      "limit=100000",
      "limit=0",
      "limit=-1",
      "limit=abc",
      "page=0",
      "page=1e9",
      "state=everything",
      "tenantId=not-a-uuid",
      "kind=robot",
      "protocol=ftp",
      "attention=maybe",
      `q=${"x".repeat(201)}`,
      "limit=10&limit=20",
    ])
      expect(await status(bad), bad).toBe(400);
    expect(await status("limit=200&page=3&sort=lastSync&dir=desc&state=failing&attention=1&kind=user&protocol=imap&q=box")).toBe(200);
  });
});
