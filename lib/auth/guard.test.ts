import { describe, expect, it } from "vitest";
import { HttpError } from "../core/errors";
import { tenantIdIn as tenantFilter } from "../core/scope";
import { assertCan, assertTenantAccess, canAccessTenant } from "./guard";

const limited = { role: "technician" as const, hasAllTenants: false, tenantIds: ["A"] };
const all = { role: "admin" as const, hasAllTenants: true, tenantIds: [] };

describe("guard", () => {
  it("limits tenant access to the membership's list", () => {
    expect(canAccessTenant(limited, "A")).toBe(true);
    expect(canAccessTenant(limited, "B")).toBe(false);
    expect(canAccessTenant(all, "B")).toBe(true);
    expect(tenantFilter(limited)).toEqual({ in: ["A"] });
    expect(tenantFilter(all)).toBeUndefined();
  });

  it("answers a foreign tenant with 404, like a missing one", () => {
    try {
      assertTenantAccess(limited, "B");
      expect.unreachable();
    } catch (e) {
      expect((e as HttpError).status).toBe(404);
    }
  });

  it("gives support 403 on any mutation", () => {
    for (const a of ["mutate", "manage_tenants", "manage_staff", "connect_mailboxes"] as const) {
      expect(() => assertCan({ role: "support" }, a)).toThrow(/read-only/);
    }
  });

  it("lets a technician connect mailboxes but not manage tenants or staff", () => {
    expect(() => assertCan(limited, "connect_mailboxes")).not.toThrow();
    expect(() => assertCan(limited, "manage_tenants")).toThrow(HttpError);
    expect(() => assertCan(limited, "manage_staff")).toThrow(HttpError);
    expect(() => assertCan(all, "manage_staff")).not.toThrow();
  });
});
