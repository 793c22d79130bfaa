// Integration (real PostgreSQL): sealed values at rest, key rotation, and a wrong key.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { dumpDatabase } from "../../testing/dump-database";
import { parseKeyring } from "./keyring";
import { resealAll } from "./reseal-all";
import { seal, sealedKeyId, unseal, SealError } from "./seal";

const oldRing = parseKeyring(`old:${randomBytes(32).toString("base64")}`);

async function fixture() {
  const ws = await db().workspace.create({ data: { name: "Crypto WS", slug: `crypto-${randomUUID()}` } });
  const tenant = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", primaryDomain: "t.example.com" } });
  const app = await db().appRegistration.create({ data: { workspaceId: ws.id, tenantId: tenant.id, displayName: "App", clientId: randomUUID() } });
  const secret = `Xy8Q~${randomBytes(18).toString("base64url")}`;
  const refresh = `0.ARoA${randomBytes(40).toString("base64url")}`;
  const s = await db().appSecret.create({ data: { workspaceId: ws.id, appRegistrationId: app.id, sealedValue: seal(oldRing, secret, "client_secret"), last4: secret.slice(-4), expiresAt: new Date(Date.now() + 86_400_000) } });
  const mb = await db().mailbox.create({ data: { workspaceId: ws.id, tenantId: tenant.id, address: "helpdesk@t.example.com" } });
  const g = await db().grant.create({ data: { workspaceId: ws.id, tenantId: tenant.id, mailboxId: mb.id, upn: "helpdesk@t.example.com", oid: randomUUID(), tid: randomUUID(), sealedRefreshToken: seal(oldRing, refresh, "refresh_token"), refreshTokenIssuedAt: new Date() } });
  return { secret, refresh, secretId: s.id, grantId: g.id, workspaceId: ws.id };
}

describe("sealed secrets at rest", () => {
  it("a database dump contains no plaintext secret or token", async () => {
    const f = await fixture();
    const dump = await dumpDatabase(process.env.DATABASE_URL!);
    expect(dump).toContain(f.secret.slice(-4)); // the last-4 hint is meant to be visible
    expect(dump).not.toContain(f.secret);
    expect(dump).not.toContain(f.refresh);
  });

  it("keys:rotate re-seals everything under the new key, and the values still open", async () => {
    const f = await fixture();
    const rotated = parseKeyring(`new:${randomBytes(32).toString("base64")},old:${[...oldRing.byId.values()][0].key.toString("base64")}`);
    const counts = await resealAll(rotated, { workspaceId: f.workspaceId });
    expect(counts["AppSecret.sealedValue"]).toBeGreaterThanOrEqual(1);
    const s = await db().appSecret.findUniqueOrThrow({ where: { id: f.secretId }, omit: { sealedValue: false } });
    const g = await db().grant.findUniqueOrThrow({ where: { id: f.grantId }, omit: { sealedRefreshToken: false } });
    expect(sealedKeyId(s.sealedValue)).toBe("new");
    expect(sealedKeyId(g.sealedRefreshToken)).toBe("new");
    expect(unseal(rotated, s.sealedValue, "client_secret")).toBe(f.secret);
    // After rotation the old key can be dropped entirely.
    const newOnly = parseKeyring(`new:${[...rotated.byId.values()][0].key.toString("base64")}`);
    expect(unseal(newOnly, g.sealedRefreshToken, "refresh_token")).toBe(f.refresh);
    // A second run has nothing left to do for these rows.
    const again = await resealAll(rotated, { workspaceId: f.workspaceId });
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
  });

  it("a wrong key fails loudly instead of returning garbage", async () => {
    const f = await fixture();
    const s = await db().appSecret.findUniqueOrThrow({ where: { id: f.secretId }, omit: { sealedValue: false } });
    const impostor = parseKeyring(`old:${randomBytes(32).toString("base64")}`);
    expect(() => unseal(impostor, s.sealedValue, "client_secret")).toThrow(SealError);
  });

  it("secret columns are omitted from ordinary queries", async () => {
    const f = await fixture();
    const s = await db().appSecret.findUniqueOrThrow({ where: { id: f.secretId } });
    expect("sealedValue" in s).toBe(false);
  });
});
