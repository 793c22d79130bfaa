// Integration: a secret Microsoft rejected counts on the overview and raises the banner's list,
// once per app, within the caller's tenants.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { getOverview } from "../overview/get-overview";
import { rejectedSecretApps } from "./rejected-secrets";

describe("rejected secrets", () => {
  it("counts apps whose last verify was refused, not twice when the date already counts them, and only in scope", async () => {
    const ws = await db().workspace.create({ data: { name: "Rej", slug: `rej-${randomUUID()}` } });
    const t = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", cloud: "global" } });
    const other = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "O", cloud: "global" } });
    const app = async (tenantId: string, code: string | null, daysLeft: number) => {
      const a = await db().appRegistration.create({
        data: { workspaceId: ws.id, tenantId, displayName: `app-${code}-${daysLeft}`, clientId: randomUUID(), lastVerifyCode: code },
      });
      await db().appSecret.create({
        data: {
          workspaceId: ws.id,
          appRegistrationId: a.id,
          sealedValue: "x",
          last4: "abcd",
          expiresAt: new Date(Date.now() + daysLeft * 86_400_000),
          status: "active",
        },
      });
      return a;
    };
    const rejected = await app(t.id, "secret_expired", 180); // 180 d left on paper, refused by Microsoft
    await app(t.id, "secret_invalid", 10); // counted by its date already
    await app(t.id, "ok", 180);
    await app(t.id, "network_error", 180); // not about the secret
    await app(other.id, "secret_invalid", 180); // another tenant

    const all = await getOverview({ workspaceId: ws.id, scope: { hasAllTenants: true, tenantIds: [] } });
    expect(all.secretsExpiringSoon).toBe(1);
    expect(all.secretsRejected).toBe(2);
    const limited = await getOverview({ workspaceId: ws.id, scope: { hasAllTenants: false, tenantIds: [t.id] } });
    expect(limited.secretsExpiringSoon + limited.secretsRejected).toBe(2);

    const list = await rejectedSecretApps({ workspaceId: ws.id, tenantIds: [t.id] });
    expect(list.map((a) => a.lastVerifyCode).sort()).toEqual(["secret_expired", "secret_invalid"]);
    expect(list.some((a) => a.id === rejected.id)).toBe(true);
    expect(await rejectedSecretApps({ workspaceId: ws.id })).toHaveLength(3);
  });
});
