// Integration (real PostgreSQL): `GET /api/v1/mailboxes` pages when asked. Without `limit` the whole
// list comes back as documented before; with it, following nextCursor yields every mailbox once in
// address order, within the key's tenants; a cursor that isn't one handed out is a 400.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { bulkMailboxes, bulkTenants } from "../../testing/bulk-mailboxes";
import type { TApiScope } from "../api-keys/api-keys";
import { apiListMailboxes, ZMailboxListQuery } from "./api-v1";

let api: TApiScope;
let tenants: string[] = [];

beforeAll(async () => {
  const ws = await db().workspace.create({ data: { name: "V1 paging", slug: `v1-paging-${randomUUID().slice(0, 8)}` } });
  tenants = await bulkTenants(ws.id, "Vpage", 3);
  await bulkMailboxes(ws.id, tenants, 1, 17);
  api = { workspaceId: ws.id, keyId: "k", prefix: "p", scopes: ["read"], hasAllTenants: true, tenantIds: [] };
});

const list = (scope: TApiScope, q: Record<string, string>) => apiListMailboxes(scope, ZMailboxListQuery.parse(q));

describe("GET /api/v1/mailboxes paging", () => {
  it("without limit: every mailbox, no nextCursor (the documented contract)", async () => {
    const r = await list(api, {});
    expect(r.mailboxes.length).toBe(51);
    expect("nextCursor" in r).toBe(false);
  });

  it("with limit: nextCursor walks every mailbox once, in address order, within the key's tenants", async () => {
    for (const scope of [api, { ...api, hasAllTenants: false, tenantIds: [tenants[0], tenants[2]] }]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const r = await list(scope, { limit: "7", ...(cursor ? { cursor } : {}) });
        expect(r.mailboxes.length).toBeLessThanOrEqual(7);
        seen.push(...r.mailboxes.map((m) => m.address));
        cursor = (r as { nextCursor: string | null }).nextCursor;
        if (!cursor) break;
      }
      const all = (await list(scope, {})).mailboxes.map((m) => m.address);
      expect(seen).toEqual(all);
      expect(seen.length).toBe(scope.hasAllTenants ? 51 : 34);
    }
    // Filters still apply while paging.
    const failing = await list(api, { limit: "200", state: "failing" });
    expect(failing.mailboxes.every((m) => m.state === "failing")).toBe(true);
    expect((failing as { nextCursor: string | null }).nextCursor).toBeNull();
  });

  it("hostile paging input is refused by the schema (a 400)", () => {
    for (const q of [
      { limit: "0" },
      { limit: "201" },
      { limit: "x" },
      { cursor: "not-a-cursor" },
      { cursor: Buffer.from("[1,2]").toString("base64url") },
    ])
      expect(ZMailboxListQuery.safeParse(q).success, JSON.stringify(q)).toBe(false);
  });
});
