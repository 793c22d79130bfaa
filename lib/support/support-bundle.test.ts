// Integration: the support bundle and the event log against real PostgreSQL and a sandbox grant.
// The bundle must say what broke and hold nothing that lets anyone in.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { unsealValue } from "../crypto";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { testMailboxConnection } from "../checks/connection-test";
import { buildSupportBundle, pseudonymizeAddresses, redactDeep, ZBundleQuery } from "./support-bundle";
import { eventTrend, listEvents, ZEventQuery } from "../events/list-events";

const env = sandboxForFile();
const C = SEED.fabrikam;
const q = (o: Record<string, string> = {}) => ZBundleQuery.parse(o);

async function setup() {
  const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${C.domain}`, { tenant: C, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
  await testMailboxConnection(m.ctx);
  const g = await db().grant.findFirstOrThrow({
    where: { mailboxId: m.ctx.mailboxId },
    omit: { sealedRefreshToken: false, sealedAccessToken: false },
  });
  const fake = `eyJhbGciOiJSUzI1NiJ9.${"a".repeat(40)}.${"b".repeat(40)}`;
  await db().event.create({
    data: {
      workspaceId: m.ctx.workspaceId,
      tenantId: m.ctx.tenantId,
      mailboxId: m.ctx.mailboxId,
      level: "error",
      code: "token_refresh_failed",
      message: `Authorization: Bearer ${fake}`,
      detail: { reply: `refresh_token=${"z".repeat(50)}&client_secret=${C.secret}` },
    },
  });
  // The connection test refreshed: the grant now holds a rotated refresh token and an access token.
  expect(g.sealedAccessToken).toBeTruthy();
  const sealed = [g.sealedRefreshToken, g.sealedAccessToken!];
  const plain = [
    ...m.issued,
    unsealValue(g.sealedRefreshToken, "refresh_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
    unsealValue(g.sealedAccessToken!, "access_token", { workspaceId: g.workspaceId, rowId: g.mailboxId }),
    C.secret,
    fake,
  ];
  return { m, sealed, plain };
}

describe("support bundle", { timeout: 60_000 }, () => {
  it("describes the tenant, app, mailbox, grant ages and last connection test, with no secret, token or sealed value", async () => {
    const { m, sealed, plain } = await setup();
    const json = await buildSupportBundle(m.scope, q({ tenantId: m.ctx.tenantId }));
    for (const secret of [...plain, ...sealed]) expect(json).not.toContain(secret);
    expect(json).not.toContain(C.secret.slice(0, 20));
    const b = JSON.parse(json);
    expect(b.format).toBe("consentry-support-bundle/1");
    expect(b.summary).toMatchObject({ tenants: 1, apps: 1, mailboxes: 1, mailboxStates: { connected: 1 } });
    const t = b.tenants[0];
    expect(t.directoryId).toBe(C.id);
    expect(t.apps[0].clientId).toBe(C.clientId);
    expect(t.apps[0].secrets[0]).toMatchObject({ hint: `…${C.secret.slice(-4)}`, status: "active" });
    const mb = t.mailboxes[0];
    expect(mb.address).toBe(`helpdesk@${C.domain}`);
    expect(mb.grant).toMatchObject({ authorizedAs: { upn: `helpdesk@${C.domain}` }, matchesExpectedUser: true, refreshTokenAgeDays: 0 });
    expect(mb.lastConnectionTest.ok).toBe(true);
    expect(mb.sync.push).toBeNull();
    expect(b.settings).toMatchObject({ messageRetentionDays: 30, alertKinds: ["mailbox", "secret"] });
    expect(mb.lastConnectionTest.steps.map((s: { protocol: string }) => s.protocol)).toEqual(expect.arrayContaining(["imap", "smtp"]));
    const redacted = b.events.find((e: { code: string }) => e.code === "token_refresh_failed");
    expect(redacted.message).toBe("Authorization: Bearer [token]");
    expect(redacted.detail.reply).toMatch(/^refresh_token=\[redacted\]&client_secret=\[redacted\]$/);
    expect(b.events.some((e: { code: string }) => e.code === "connection_test_passed")).toBe(true);
  });

  it("for one mailbox, with addresses pseudonymized consistently", async () => {
    const { m } = await setup();
    const json = await buildSupportBundle(m.scope, q({ mailboxId: m.ctx.mailboxId, pseudonymize: "1" }));
    expect(json).not.toContain(`helpdesk@${C.domain}`);
    const b = JSON.parse(json);
    const mb = b.tenants[0].mailboxes[0];
    expect(mb.address).toMatch(new RegExp(`^user-[0-9a-f]{8}@${C.domain.replace(/\./g, "\\.")}$`));
    expect(mb.grant.authorizedAs.upn).toBe(mb.address);
    expect(b.scope).toMatchObject({ mailboxId: m.ctx.mailboxId, tenantId: m.ctx.tenantId, pseudonymized: true });
  });

  it("a tenant or mailbox outside the caller's scope is not found, and a workspace bundle leaves it out", async () => {
    const { m } = await setup();
    const other = await db().tenant.create({ data: { workspaceId: m.ctx.workspaceId, displayName: "Other", cloud: "sandbox" } });
    const limited = { ...m.scope, hasAllTenants: false, tenantIds: [other.id] };
    await expect(buildSupportBundle(limited, q({ tenantId: m.ctx.tenantId }))).rejects.toMatchObject({ status: 404 });
    await expect(buildSupportBundle(limited, q({ mailboxId: m.ctx.mailboxId }))).rejects.toMatchObject({ status: 404 });
    const foreign = { ...m.scope, workspaceId: (await db().workspace.create({ data: { name: "F", slug: `f-${randomUUID()}` } })).id };
    await expect(buildSupportBundle(foreign, q({ mailboxId: m.ctx.mailboxId }))).rejects.toMatchObject({ status: 404 });
    const ws = JSON.parse(await buildSupportBundle(limited, q()));
    expect(ws.tenants.map((t: { displayName: string }) => t.displayName)).toEqual(["Other"]);
    expect(JSON.stringify(ws)).not.toContain(`helpdesk@${C.domain}`);
  });

  it("redactDeep and pseudonymizeAddresses", () => {
    expect(redactDeep({ a: ["Bearer abc.def"], n: 3 })).toEqual({ a: ["Bearer [token]"], n: 3 });
    const p = pseudonymizeAddresses('"a@x.com" "A@x.com" "b@x.com"', "s");
    const [a1, a2, b1] = p.match(/user-[0-9a-f]{8}@x\.com/g)!;
    expect(a1).toBe(a2);
    expect(b1).not.toBe(a1);
  });
});

describe("event log", { timeout: 60_000 }, () => {
  it("filters by minimum level, mailbox and text, pages by cursor, and counts per day", async () => {
    const { m } = await setup();
    const ev = (o: Record<string, string>) => listEvents(m.scope, ZEventQuery.parse(o));
    const errors = await ev({ level: "error", tenantId: m.ctx.tenantId });
    expect(errors.events.map((e) => e.code)).toEqual(["token_refresh_failed"]);
    expect(errors.events[0]).toMatchObject({ tenantName: C.domain, mailboxAddress: `helpdesk@${C.domain}` });
    const all = await ev({ mailboxId: m.ctx.mailboxId });
    expect(all.events.length).toBeGreaterThanOrEqual(2);
    const p1 = await ev({ mailboxId: m.ctx.mailboxId, limit: "1" });
    const p2 = await ev({ mailboxId: m.ctx.mailboxId, limit: "1", cursor: p1.nextCursor! });
    expect(p1.events[0].id).not.toBe(p2.events[0].id);
    expect((await ev({ q: "bearer", tenantId: m.ctx.tenantId })).events).toHaveLength(1);
    const trend = await eventTrend(m.scope, { tenantId: m.ctx.tenantId });
    expect(trend).toHaveLength(14);
    expect(trend[13].error).toBe(1);
    expect(trend[13].info + trend[13].warn + trend[13].error).toBe(all.events.length);
    const limited = { ...m.scope, hasAllTenants: false, tenantIds: [] };
    await expect(listEvents(limited, ZEventQuery.parse({ tenantId: m.ctx.tenantId }))).rejects.toMatchObject({ status: 404 });
    expect((await listEvents(limited, ZEventQuery.parse({}))).events).toHaveLength(0);
  });
});
