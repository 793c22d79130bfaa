// Integration: Consentry's grant lifecycle against the real sandbox (identity platform) and real
// PostgreSQL: refresh storm, 91 days with proactive refresh, failure switches classified into
// diagnoses, secret rotation under a live grant, and no issued token ever stored in clear.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { mailboxWithSandboxGrant, OUTLOOK, useSandboxCloud } from "../../testing/sandbox-grant";
import { dumpDatabase } from "../../testing/dump-database";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { SEED } from "../../sandbox/directory/seed";
import { getAccessToken, TokenError } from "./get-access-token";
import { microsoftRefresher } from "./microsoft-refresher";
import { refreshStaleGrants } from "./proactive-refresh";
import { rotateSecret, verifyApp } from "../apps/secrets";

let sb: Awaited<ReturnType<typeof startTestSandbox>>;
const issued: string[] = [];

beforeAll(async () => {
  sb = await startTestSandbox();
  useSandboxCloud(sb);
});
afterAll(() => sb?.stop());

async function connected(upn: string, t: { id: string; domain: string; clientId: string; secret: string } = SEED.contoso) {
  const r = await mailboxWithSandboxGrant(sb, upn, { tenant: t });
  issued.push(...r.issued);
  return { ...r, ctx: { ...r.ctx, resource: OUTLOOK } };
}

const state = (mailboxId: string) => db().mailbox.findUniqueOrThrow({ where: { id: mailboxId }, select: { state: true, stateCode: true } });

describe("grant lifecycle against the sandbox", { timeout: 90_000 }, () => {
  it("a 100-call refresh storm on one grant makes exactly one token request", async () => {
    const { ctx } = await connected(`helpdesk@${SEED.contoso.domain}`);
    const before = (await sb.admin("GET", "/admin/stats")).body.tokenRequests.refresh_token ?? 0;
    const results = await Promise.all(Array.from({ length: 100 }, () => getAccessToken(ctx, microsoftRefresher)));
    const after = (await sb.admin("GET", "/admin/stats")).body.tokenRequests.refresh_token ?? 0;
    expect(after - before).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    issued.push(results[0].accessToken);
    const check = await sb.ctx.verifyAccessToken(results[0].accessToken);
    expect(check.ok && check.claims.aud).toBe(OUTLOOK);
  });

  it("91 days later, proactive refresh kept a quiet mailbox connected; an unrefreshed one needs re-consent", async () => {
    const kept = await connected(`bob@${SEED.contoso.domain}`);
    const neglected = await connected(`it@${SEED.contoso.domain}`);
    let offsetDays = 0;
    for (let step = 0; step < 14; step++) {
      offsetDays += 6.5;
      await sb.admin("POST", "/admin/clock", { advanceDays: 6.5 });
      // The worker's job, with Consentry's clock moved forward alongside the sandbox's.
      await db().grant.updateMany({
        where: { mailboxId: kept.ctx.mailboxId },
        data: { lastRefreshAt: new Date(Date.now() - 7 * 86_400_000) },
      });
      // Only this test's grants: the database is shared with other files, whose grants (and leases) aren't ours.
      const r = await refreshStaleGrants({
        refresher: microsoftRefresher,
        maxAgeDays: 6,
        now: new Date(),
        limit: 1000,
        workspaceIds: [kept.ctx.workspaceId, neglected.ctx.workspaceId],
      });
      expect(r.failed.filter((f) => f.mailboxId === kept.ctx.mailboxId)).toEqual([]);
      await db().grant.updateMany({ where: { mailboxId: neglected.ctx.mailboxId }, data: { lastRefreshAt: new Date() } });
    }
    expect(offsetDays).toBeGreaterThan(90);
    expect((await state(kept.ctx.mailboxId)).state).toBe("connected");
    await expect(getAccessToken(neglected.ctx, microsoftRefresher, { forceRefresh: true })).rejects.toMatchObject({
      kind: "permanent_grant",
      code: "refresh_token_inactive",
    });
    expect(await state(neglected.ctx.mailboxId)).toEqual({ state: "needs_reconsent", stateCode: "refresh_token_inactive" });
    await sb.admin("POST", "/admin/clock", { reset: true });
  });

  it("failure switches become catalogued diagnoses: revoked, consent removed, 503, expired secret", async () => {
    const a = await connected(`admin@${SEED.contoso.domain}`);
    await new Promise((r) => setTimeout(r, 5));
    await sb.admin("POST", `/admin/users/admin@${SEED.contoso.domain}/revoke-sessions`);
    await expect(getAccessToken(a.ctx, microsoftRefresher, { forceRefresh: true })).rejects.toMatchObject({
      kind: "permanent_grant",
      code: "refresh_token_revoked",
    });
    expect((await state(a.ctx.mailboxId)).state).toBe("needs_reconsent");

    const f = await connected(`helpdesk@${SEED.fabrikam.domain}`, SEED.fabrikam);
    await sb.admin("POST", "/admin/faults/token-endpoint", { mode: "503", count: 1 });
    const err = await getAccessToken(f.ctx, microsoftRefresher, { forceRefresh: true }).catch((e) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect(err).toMatchObject({ kind: "transient", code: "microsoft_unavailable" });
    expect((await state(f.ctx.mailboxId)).state).toBe("connected");
    expect((await getAccessToken(f.ctx, microsoftRefresher, { forceRefresh: true })).refreshed).toBe(true);

    await sb.admin("DELETE", `/admin/tenants/${SEED.fabrikam.id}/consents/${SEED.fabrikam.clientId}`);
    await expect(getAccessToken(f.ctx, microsoftRefresher, { forceRefresh: true })).rejects.toMatchObject({ code: "consent_missing" });

    const n = await connected(`helpdesk@${SEED.northwind.domain}`, SEED.northwind);
    const secretId = (await sb.admin("GET", "/admin/state")).body.apps.find(
      (x: { clientId: string }) => x.clientId === SEED.northwind.clientId,
    ).secrets[0].id;
    await sb.admin("POST", `/admin/apps/${SEED.northwind.clientId}/secrets/${secretId}/expire`);
    await expect(getAccessToken(n.ctx, microsoftRefresher, { forceRefresh: true })).rejects.toMatchObject({
      kind: "permanent_client",
      code: "secret_expired",
    });
    expect(await state(n.ctx.mailboxId)).toEqual({ state: "failing", stateCode: "secret_expired" });
    const ev = await db().event.findFirstOrThrow({ where: { mailboxId: n.ctx.mailboxId }, orderBy: { createdAt: "desc" } });
    expect(ev).toMatchObject({ level: "error", code: "secret_expired" });
  });

  it("rotating the secret keeps the grant refreshing; a bad new secret is refused and the old one stays", async () => {
    const c = await connected(`it@${SEED.contoso.domain}`);
    const bad = await rotateSecret({
      workspaceId: c.ctx.workspaceId,
      appId: c.appId,
      scope: c.scope,
      actor: { workspaceId: c.ctx.workspaceId, email: "admin@msp.test" },
      value: "4b2e1c3d-aaaa-4bbb-8ccc-123456789abc",
      expiresAt: new Date(Date.now() + 86_400_000 * 90),
    });
    expect(bad).toMatchObject({ ok: false, code: "secret_invalid" });
    expect((await getAccessToken(c.ctx, microsoftRefresher, { forceRefresh: true })).refreshed).toBe(true);
    const fresh = (await sb.admin("POST", `/admin/apps/${SEED.contoso.clientId}/secrets`, { expiresInDays: 180 })).body;
    const good = await rotateSecret({
      workspaceId: c.ctx.workspaceId,
      appId: c.appId,
      scope: c.scope,
      actor: { workspaceId: c.ctx.workspaceId, email: "admin@msp.test" },
      value: fresh.value,
      expiresAt: new Date(fresh.expiresAt),
    });
    expect(good).toEqual({ ok: true });
    // The old secret dies at Microsoft; the grant refreshes with the new one.
    const oldId = (await sb.admin("GET", "/admin/state")).body.apps.find((x: { clientId: string }) => x.clientId === SEED.contoso.clientId)
      .secrets[0].id;
    await sb.admin("POST", `/admin/apps/${SEED.contoso.clientId}/secrets/${oldId}/expire`);
    const after = await getAccessToken(c.ctx, microsoftRefresher, { forceRefresh: true });
    expect(after.refreshed).toBe(true);
    issued.push(after.accessToken, fresh.value);
    const secrets = await db().appSecret.findMany({ where: { appRegistrationId: c.appId }, select: { status: true } });
    expect(secrets.map((s) => s.status).sort()).toEqual(["active", "retired"]);
  });

  it("Verify app refreshes a connected mailbox's grant when there is one, else uses client_credentials", async () => {
    const c = await connected(`bob@${SEED.fabrikam.domain}`, SEED.fabrikam);
    const actor = { workspaceId: c.ctx.workspaceId, email: "admin@msp.test" };
    const before = (await sb.admin("GET", "/admin/stats")).body.tokenRequests;
    expect(await verifyApp({ workspaceId: c.ctx.workspaceId, appId: c.appId, scope: c.scope, actor })).toEqual({
      ok: true,
      method: "refresh",
      mailbox: `bob@${SEED.fabrikam.domain}`,
    });
    const after = (await sb.admin("GET", "/admin/stats")).body.tokenRequests;
    expect((after.refresh_token ?? 0) - (before.refresh_token ?? 0)).toBe(1);
    expect(after.client_credentials ?? 0).toBe(before.client_credentials ?? 0);
    // The grant dies for reasons of its own: the secret is still judged, by client_credentials.
    await new Promise((r) => setTimeout(r, 5));
    await sb.admin("POST", `/admin/users/bob@${SEED.fabrikam.domain}/revoke-sessions`);
    await db().mailbox.update({ where: { id: c.ctx.mailboxId }, data: { state: "connected" } });
    expect(await verifyApp({ workspaceId: c.ctx.workspaceId, appId: c.appId, scope: c.scope, actor })).toEqual({
      ok: true,
      method: "client_credentials",
    });
  });

  it("no sandbox-issued token or secret appears in a database dump", async () => {
    const dump = await dumpDatabase(process.env.DATABASE_URL!);
    expect(issued.length).toBeGreaterThan(4);
    for (const v of issued) expect(dump.includes(v)).toBe(false);
    expect(dump.includes(SEED.contoso.secret)).toBe(false);
  });
});
