// Integration against real PostgreSQL: keys are stored as hashes, shown once, and stop working
// when revoked or expired; a malformed or unknown key is refused the same way.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { authenticateApiKey, createApiKey, hashApiKey, revokeApiKey, ZApiKeyCreate } from "./api-keys";

async function workspace() {
  const ws = await db().workspace.create({ data: { name: "Keys", slug: `keys-${randomUUID()}` } });
  const t = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", cloud: "global" } });
  return {
    ws,
    t,
    actor: { workspaceId: ws.id, email: "owner@msp.test" },
    scope: { staffUserId: randomUUID(), role: "owner" as const, hasAllTenants: true, tenantIds: [] },
  };
}

describe("API keys", () => {
  it("stores only a hash, authenticates, and records use at most once a minute", async () => {
    const { ws, actor, scope } = await workspace();
    const { key, apiKey } = await createApiKey({
      workspaceId: ws.id,
      actor,
      scope,
      input: ZApiKeyCreate.parse({ name: "Helpdesk", scopes: ["read"], hasAllTenants: true }),
    });
    expect(key).toMatch(/^csk_[A-Za-z0-9_-]{32}$/);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.keyHash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key);
    const a = await authenticateApiKey(key);
    expect(a).toMatchObject({ workspaceId: ws.id, scopes: ["read"], hasAllTenants: true, prefix: key.slice(0, 12) });
    const used = (await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt!;
    await authenticateApiKey(key);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).toEqual(used);
    expect(await db().auditEntry.count({ where: { workspaceId: ws.id, action: "api_key.create" } })).toBe(1);
  });

  it("revoked, expired, unknown and malformed keys are all refused", async () => {
    const { ws, actor, scope } = await workspace();
    const r = await createApiKey({
      workspaceId: ws.id,
      actor,
      scope,
      input: ZApiKeyCreate.parse({ name: "R", scopes: ["read", "send"], hasAllTenants: true }),
    });
    await revokeApiKey({ workspaceId: ws.id, id: r.apiKey.id, actor, scope });
    expect(await authenticateApiKey(r.key)).toBeNull();
    const e = await createApiKey({
      workspaceId: ws.id,
      actor,
      scope,
      input: ZApiKeyCreate.parse({ name: "E", scopes: ["read"], hasAllTenants: true, expiresInDays: 1 }),
    });
    expect(await authenticateApiKey(e.key)).not.toBeNull();
    await db().apiKey.update({ where: { id: e.apiKey.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await authenticateApiKey(e.key)).toBeNull();
    for (const k of [null, "", "csk_short", `csk_${"x".repeat(32)}`, `Bearer ${e.key}`]) expect(await authenticateApiKey(k)).toBeNull();
  });

  it("a tenant-limited key must name tenants of its workspace; another workspace can't revoke it", async () => {
    const { ws, t, actor, scope } = await workspace();
    const other = await workspace();
    expect(ZApiKeyCreate.safeParse({ name: "L", scopes: ["read"], hasAllTenants: false }).success).toBe(false);
    await expect(
      createApiKey({
        workspaceId: ws.id,
        actor,
        scope,
        input: ZApiKeyCreate.parse({ name: "L", scopes: ["read"], hasAllTenants: false, tenantIds: [other.t.id] }),
      }),
    ).rejects.toMatchObject({ status: 400 });
    const ok = await createApiKey({
      workspaceId: ws.id,
      actor,
      scope,
      input: ZApiKeyCreate.parse({ name: "L", scopes: ["read"], hasAllTenants: false, tenantIds: [t.id] }),
    });
    expect(await authenticateApiKey(ok.key)).toMatchObject({ hasAllTenants: false, tenantIds: [t.id] });
    await expect(
      revokeApiKey({ workspaceId: other.ws.id, id: ok.apiKey.id, actor: other.actor, scope: other.scope }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await authenticateApiKey(ok.key)).not.toBeNull();
  });
});
