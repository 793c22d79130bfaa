// Integration (real PostgreSQL): sealed values at rest, key rotation, and a wrong key.
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { dumpDatabase } from "../../testing/dump-database";
import { parseKeyring } from "./keyring";
import { resealAll } from "./reseal-all";
import { seal, sealedKeyId, sealedVersion, sealLegacyV1, unseal, SealError } from "./seal";

const oldRing = parseKeyring(`old:${randomBytes(32).toString("base64")}`);

/** `legacy`: values sealed in the v1 format (AAD = purpose only), as before the row binding. */
async function fixture(opts: { legacy?: boolean } = {}) {
  const ws = await db().workspace.create({ data: { name: "Crypto WS", slug: `crypto-${randomUUID()}` } });
  const tenant = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", primaryDomain: "t.example.com" } });
  const app = await db().appRegistration.create({
    data: { workspaceId: ws.id, tenantId: tenant.id, displayName: "App", clientId: randomUUID() },
  });
  const secret = `Xy8Q~${randomBytes(18).toString("base64url")}`;
  const refresh = `0.ARoA${randomBytes(40).toString("base64url")}`;
  const secretId = randomUUID();
  const s = await db().appSecret.create({
    data: {
      id: secretId,
      workspaceId: ws.id,
      appRegistrationId: app.id,
      sealedValue: opts.legacy
        ? sealLegacyV1(oldRing, secret, "client_secret")
        : seal(oldRing, secret, "client_secret", { workspaceId: ws.id, rowId: secretId }),
      last4: secret.slice(-4),
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  const mb = await db().mailbox.create({ data: { workspaceId: ws.id, tenantId: tenant.id, address: "helpdesk@t.example.com" } });
  const g = await db().grant.create({
    data: {
      workspaceId: ws.id,
      tenantId: tenant.id,
      mailboxId: mb.id,
      upn: "helpdesk@t.example.com",
      oid: randomUUID(),
      tid: randomUUID(),
      sealedRefreshToken: opts.legacy
        ? sealLegacyV1(oldRing, refresh, "refresh_token")
        : seal(oldRing, refresh, "refresh_token", { workspaceId: ws.id, rowId: mb.id }),
      refreshTokenIssuedAt: new Date(),
    },
  });
  return { secret, refresh, secretId: s.id, grantId: g.id, mailboxId: mb.id, appId: app.id, workspaceId: ws.id };
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
    expect(unseal(rotated, s.sealedValue, "client_secret", { workspaceId: f.workspaceId, rowId: f.secretId })).toBe(f.secret);
    // After rotation the old key can be dropped entirely.
    const newOnly = parseKeyring(`new:${[...rotated.byId.values()][0].key.toString("base64")}`);
    expect(unseal(newOnly, g.sealedRefreshToken, "refresh_token", { workspaceId: f.workspaceId, rowId: f.mailboxId })).toBe(f.refresh);
    // A second run has nothing left to do for these rows.
    const again = await resealAll(rotated, { workspaceId: f.workspaceId });
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
  });

  it("upgrades legacy v1 values to row-bound v2 under the same key, once (the start-up reseal)", async () => {
    const f = await fixture({ legacy: true });
    const counts = await resealAll(oldRing, { workspaceId: f.workspaceId });
    expect(counts["AppSecret.sealedValue"]).toBe(1);
    expect(counts["Grant.sealedRefreshToken"]).toBe(1);
    const s = await db().appSecret.findUniqueOrThrow({ where: { id: f.secretId }, omit: { sealedValue: false } });
    const g = await db().grant.findUniqueOrThrow({ where: { id: f.grantId }, omit: { sealedRefreshToken: false } });
    expect(sealedVersion(s.sealedValue)).toBe("v2");
    expect(sealedVersion(g.sealedRefreshToken)).toBe("v2");
    expect(unseal(oldRing, s.sealedValue, "client_secret", { workspaceId: f.workspaceId, rowId: f.secretId })).toBe(f.secret);
    expect(unseal(oldRing, g.sealedRefreshToken, "refresh_token", { workspaceId: f.workspaceId, rowId: f.mailboxId })).toBe(f.refresh);
    const again = await resealAll(oldRing, { workspaceId: f.workspaceId });
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
  });

  it("a sealed value copied to another row or another workspace doesn't open there", async () => {
    const a = await fixture();
    const b = await fixture();
    const sa = await db().appSecret.findUniqueOrThrow({ where: { id: a.secretId }, omit: { sealedValue: false } });
    const ga = await db().grant.findUniqueOrThrow({ where: { id: a.grantId }, omit: { sealedRefreshToken: false } });
    // Another workspace: b's rows get a's ciphertexts, as a bug or SQL access might.
    await db().appSecret.update({ where: { id: b.secretId }, data: { sealedValue: sa.sealedValue } });
    await db().grant.update({ where: { id: b.grantId }, data: { sealedRefreshToken: ga.sealedRefreshToken } });
    const sb = await db().appSecret.findUniqueOrThrow({ where: { id: b.secretId }, omit: { sealedValue: false } });
    const gb = await db().grant.findUniqueOrThrow({ where: { id: b.grantId }, omit: { sealedRefreshToken: false } });
    expect(() => unseal(oldRing, sb.sealedValue, "client_secret", { workspaceId: sb.workspaceId, rowId: sb.id })).toThrow(SealError);
    expect(() => unseal(oldRing, gb.sealedRefreshToken, "refresh_token", { workspaceId: gb.workspaceId, rowId: gb.mailboxId })).toThrow(
      SealError,
    );
    // Another row of the same workspace: a second secret on a's app.
    const otherId = randomUUID();
    await db().appSecret.create({
      data: {
        id: otherId,
        workspaceId: a.workspaceId,
        appRegistrationId: a.appId,
        sealedValue: sa.sealedValue,
        last4: "xxxx",
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    expect(() => unseal(oldRing, sa.sealedValue, "client_secret", { workspaceId: a.workspaceId, rowId: otherId })).toThrow(SealError);
    // And the original still opens where it belongs.
    expect(unseal(oldRing, sa.sealedValue, "client_secret", { workspaceId: a.workspaceId, rowId: a.secretId })).toBe(a.secret);
  });

  it("a wrong key fails loudly instead of returning garbage", async () => {
    const f = await fixture();
    const s = await db().appSecret.findUniqueOrThrow({ where: { id: f.secretId }, omit: { sealedValue: false } });
    const impostor = parseKeyring(`old:${randomBytes(32).toString("base64")}`);
    expect(() => unseal(impostor, s.sealedValue, "client_secret", { workspaceId: f.workspaceId, rowId: f.secretId })).toThrow(SealError);
  });

  it("secret columns are omitted from ordinary queries", async () => {
    const f = await fixture();
    const s = await db().appSecret.findUniqueOrThrow({ where: { id: f.secretId } });
    expect("sealedValue" in s).toBe(false);
  });
});
