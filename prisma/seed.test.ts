// Integration: the demo seed is complete and idempotent, and seals the app secrets.
import { describe, expect, it } from "vitest";
import { db } from "../lib/db/client";
import { seedDemo } from "./seed";

describe("demo seed", () => {
  it("creates the demo workspace once, with sealed secrets and ready mailboxes", async () => {
    const a = await seedDemo({ password: "demo-password-123" });
    const b = await seedDemo({ password: "demo-password-123" });
    expect(b).toEqual(a);
    expect(await db().tenant.count({ where: { workspaceId: a.workspaceId } })).toBe(3);
    expect(await db().mailbox.count({ where: { workspaceId: a.workspaceId, state: "pending_consent" } })).toBe(6);
    const secret = await db().appSecret.findFirstOrThrow({ where: { workspaceId: a.workspaceId }, omit: { sealedValue: false } });
    expect(secret.sealedValue.startsWith("v1.")).toBe(true);
    const tech = await db().membership.findFirstOrThrow({ where: { workspaceId: a.workspaceId, staffUser: { email: "tech@demo.msp" } } });
    expect(tech.hasAllTenants).toBe(false);
    expect(tech.tenantIds).toHaveLength(1);
  });
});
