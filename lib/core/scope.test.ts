import { describe, expect, it } from "vitest";
import {
  forTenantWhere,
  isSyncableState,
  scopeWhere,
  sharedTenantWhere,
  SYNCABLE_STATES,
  SYNCABLE_STATES_SQL,
  tenantIdIn,
  tenantScopeSql,
  tenantWhere,
} from "./scope";

const all = { workspaceId: "W", hasAllTenants: true, tenantIds: [] };
const limited = { workspaceId: "W", hasAllTenants: false, tenantIds: ["A", "B"] };
const none = { workspaceId: "W", hasAllTenants: false, tenantIds: [] };

describe("scope where-builders", () => {
  it("limits tenant-owned rows to the scope's tenants, and adds nothing for all tenants", () => {
    expect(tenantIdIn(all)).toBeUndefined();
    expect(tenantIdIn(limited)).toEqual({ in: ["A", "B"] });
    expect(tenantWhere(all)).toEqual({});
    expect(tenantWhere(limited)).toEqual({ tenantId: { in: ["A", "B"] } });
    expect(tenantWhere(none)).toEqual({ tenantId: { in: [] } });
    expect(scopeWhere(all)).toEqual({ workspaceId: "W" });
    expect(scopeWhere(limited)).toEqual({ workspaceId: "W", tenantId: { in: ["A", "B"] } });
  });

  it("lets every scope see workspace-level rows (tenantId null)", () => {
    expect(sharedTenantWhere(all)).toEqual({});
    expect(sharedTenantWhere(limited)).toEqual({ OR: [{ tenantId: null }, { tenantId: { in: ["A", "B"] } }] });
    expect(forTenantWhere("A")).toEqual({ OR: [{ tenantId: "A" }, { tenantId: null }] });
  });
});

describe("tenantScopeSql", () => {
  it("is null for all tenants", () => {
    expect(tenantScopeSql(all, `c."tenantId"`)).toBeNull();
  });
  it("binds the tenant ids as values, never as SQL text", () => {
    const s = tenantScopeSql(limited, `c."tenantId"`)!;
    expect(s.sql).toBe(`c."tenantId" IN (?,?)`);
    expect(s.values).toEqual(["A", "B"]);
    const shared = tenantScopeSql(limited, `"tenantId"`, { withShared: true })!;
    expect(shared.sql).toBe(`("tenantId" IS NULL OR "tenantId" IN (?,?))`);
    expect(shared.values).toEqual(["A", "B"]);
  });
  it("matches nothing (or only the shared rows) for an empty list", () => {
    expect(tenantScopeSql(none, `c."tenantId"`)!.sql).toBe("FALSE");
    expect(tenantScopeSql(none, `"tenantId"`, { withShared: true })!.sql).toBe(`"tenantId" IS NULL`);
  });
});

describe("syncable states", () => {
  it("are connected and degraded, also as a SQL list", () => {
    expect([...SYNCABLE_STATES]).toEqual(["connected", "degraded"]);
    expect(isSyncableState("degraded")).toBe(true);
    expect(isSyncableState("failing")).toBe(false);
    expect(SYNCABLE_STATES_SQL.sql).toBe(`'connected', 'degraded'`);
  });
});
