// Integration (real PostgreSQL): caching, single flight, rotation and failure classification.
// The token endpoint itself is exercised against the sandbox in the consent integration tests.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { sealValue } from "../crypto";
import { getAccessToken, TokenError, type TRefresher } from "./get-access-token";

const OUTLOOK = "https://outlook.office.com";

async function grantFixture() {
  const ws = await db().workspace.create({ data: { name: "Grant WS", slug: `g-${randomUUID()}` } });
  const t = await db().tenant.create({ data: { workspaceId: ws.id, displayName: "T", primaryDomain: "t.example.com" } });
  const mb = await db().mailbox.create({
    data: { workspaceId: ws.id, tenantId: t.id, address: "helpdesk@t.example.com", state: "connected" },
  });
  await db().grant.create({
    data: {
      workspaceId: ws.id,
      tenantId: t.id,
      mailboxId: mb.id,
      upn: mb.address,
      oid: randomUUID(),
      tid: randomUUID(),
      sealedRefreshToken: sealValue("rt-0", "refresh_token", { workspaceId: ws.id, rowId: mb.id }),
      refreshTokenIssuedAt: new Date(),
      scopes: ["IMAP.AccessAsUser.All"],
    },
  });
  return { workspaceId: ws.id, tenantId: t.id, mailboxId: mb.id, resource: OUTLOOK };
}

function rotatingEndpoint(delayMs = 30) {
  const calls: string[] = [];
  let n = 0;
  const refresher: TRefresher = async ({ refreshToken }) => {
    calls.push(refreshToken);
    await new Promise((r) => setTimeout(r, delayMs));
    n += 1;
    return { ok: true, accessToken: `at-${n}`, refreshToken: `rt-${n}`, expiresIn: 3600, scopes: ["IMAP.AccessAsUser.All"] };
  };
  return { calls, refresher };
}

describe("getAccessToken", () => {
  it("refreshes once, then serves the cached token", async () => {
    const ctx = await grantFixture();
    const ep = rotatingEndpoint();
    const a = await getAccessToken(ctx, ep.refresher);
    const b = await getAccessToken(ctx, ep.refresher);
    expect(a.accessToken).toBe("at-1");
    expect(a.refreshed).toBe(true);
    expect(b.accessToken).toBe("at-1");
    expect(b.refreshed).toBe(false);
    expect(ep.calls).toEqual(["rt-0"]);
  });

  it("a storm of 100 parallel calls redeems the refresh token exactly once", async () => {
    const ctx = await grantFixture();
    const ep = rotatingEndpoint(100);
    const results = await Promise.all(Array.from({ length: 100 }, () => getAccessToken(ctx, ep.refresher)));
    expect(ep.calls).toEqual(["rt-0"]);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set(["at-1"]));
  });

  it("stores the rotated refresh token and uses it next time", async () => {
    const ctx = await grantFixture();
    const ep = rotatingEndpoint();
    await getAccessToken(ctx, ep.refresher);
    await getAccessToken(ctx, ep.refresher, { forceRefresh: true });
    expect(ep.calls).toEqual(["rt-0", "rt-1"]);
    const g = await db().grant.findFirstOrThrow({ where: { mailboxId: ctx.mailboxId } });
    expect(g.lastRefreshAt).not.toBeNull();
  });

  it("a permanent grant failure moves the mailbox to needs_reconsent with an event", async () => {
    const ctx = await grantFixture();
    const refresher: TRefresher = async () => ({
      ok: false,
      kind: "permanent_grant",
      code: "refresh_token_inactive",
      message: "AADSTS700082: The refresh token has expired due to inactivity.",
    });
    await expect(getAccessToken(ctx, refresher)).rejects.toMatchObject({ kind: "permanent_grant", code: "refresh_token_inactive" });
    const mb = await db().mailbox.findUniqueOrThrow({ where: { id: ctx.mailboxId } });
    expect(mb.state).toBe("needs_reconsent");
    expect(mb.stateCode).toBe("refresh_token_inactive");
    const ev = await db().event.findFirstOrThrow({ where: { mailboxId: ctx.mailboxId } });
    expect(ev.level).toBe("error");
  });

  it("a transient failure keeps the mailbox state and counts the failure", async () => {
    const ctx = await grantFixture();
    const refresher: TRefresher = async () => ({
      ok: false,
      kind: "transient",
      code: "microsoft_unavailable",
      message: "503 from the token endpoint",
      retryAfterSeconds: 5,
    });
    const err = await getAccessToken(ctx, refresher).catch((e) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect(err.retryAfterSeconds).toBe(5);
    const mb = await db().mailbox.findUniqueOrThrow({ where: { id: ctx.mailboxId } });
    expect(mb.state).toBe("connected");
    const g = await db().grant.findFirstOrThrow({ where: { mailboxId: ctx.mailboxId } });
    expect(g.refreshFailures).toBe(1);
  });

  it("refuses a grant from another tenant or workspace", async () => {
    const ctx = await grantFixture();
    const ep = rotatingEndpoint();
    await expect(getAccessToken({ ...ctx, tenantId: randomUUID() }, ep.refresher)).rejects.toMatchObject({ status: 404 });
    await expect(getAccessToken({ ...ctx, workspaceId: randomUUID() }, ep.refresher)).rejects.toMatchObject({ status: 404 });
    expect(ep.calls).toEqual([]);
  });
});

describe("getAccessToken's refresh lease", () => {
  const leaseOf = (mailboxId: string) =>
    db().grant.findFirstOrThrow({ where: { mailboxId }, select: { refreshLeaseOwner: true, refreshLeaseUntil: true } });

  it("holds no lease once a refresh is stored or has failed", async () => {
    const ctx = await grantFixture();
    await getAccessToken(ctx, rotatingEndpoint().refresher);
    expect(await leaseOf(ctx.mailboxId)).toEqual({ refreshLeaseOwner: null, refreshLeaseUntil: null });
    const failing: TRefresher = async () => ({ ok: false, kind: "transient", code: "microsoft_unavailable", message: "503" });
    await expect(getAccessToken(ctx, failing, { forceRefresh: true })).rejects.toBeInstanceOf(TokenError);
    expect(await leaseOf(ctx.mailboxId)).toEqual({ refreshLeaseOwner: null, refreshLeaseUntil: null });
  });

  it("waits for another process's live lease and serves what it stored, without calling Microsoft", async () => {
    const ctx = await grantFixture();
    const ep = rotatingEndpoint();
    // Another process took the lease a moment ago and is talking to Microsoft.
    await db().grant.updateMany({
      where: { mailboxId: ctx.mailboxId },
      data: { refreshLeaseOwner: "other-process", refreshLeaseUntil: new Date(Date.now() + 30_000) },
    });
    const waiting = getAccessToken(ctx, ep.refresher);
    await new Promise((r) => setTimeout(r, 400));
    await db().grant.updateMany({
      where: { mailboxId: ctx.mailboxId, refreshLeaseOwner: "other-process" },
      data: {
        sealedAccessToken: sealValue("at-other", "access_token", { workspaceId: ctx.workspaceId, rowId: ctx.mailboxId }),
        sealedRefreshToken: sealValue("rt-other", "refresh_token", { workspaceId: ctx.workspaceId, rowId: ctx.mailboxId }),
        accessTokenResource: OUTLOOK,
        accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
        lastRefreshAt: new Date(),
        refreshLeaseOwner: null,
        refreshLeaseUntil: null,
      },
    });
    expect((await waiting).accessToken).toBe("at-other");
    expect(ep.calls).toEqual([]);
  });

  it("takes over a crashed holder's lease once it has run out, redeeming the stored refresh token", async () => {
    const ctx = await grantFixture();
    const ep = rotatingEndpoint();
    await db().grant.updateMany({
      where: { mailboxId: ctx.mailboxId },
      data: { refreshLeaseOwner: "crashed-process", refreshLeaseUntil: new Date(Date.now() + 1_000) },
    });
    const t = Date.now();
    const r = await getAccessToken(ctx, ep.refresher);
    expect(Date.now() - t).toBeGreaterThanOrEqual(900);
    expect(r.accessToken).toBe("at-1");
    expect(ep.calls).toEqual(["rt-0"]);
  });

  it("two processes racing for one grant: one redeems the refresh token, the other is served its result", async () => {
    const ctx = await grantFixture();
    const ep = rotatingEndpoint(200);
    // A second "process": the same grant raced through a path that skips this process's
    // in-memory single flight (a forced and a plain refresh have different in-process keys).
    const [a, b] = await Promise.all([getAccessToken(ctx, ep.refresher), getAccessToken(ctx, ep.refresher, { forceRefresh: true })]);
    expect(ep.calls.filter((c) => c === "rt-0")).toHaveLength(1);
    expect([a.accessToken, b.accessToken]).toContain("at-1");
  });

  it("a re-consent during the call keeps its new refresh token (the redeemed one's rotation is not written over it)", async () => {
    const ctx = await grantFixture();
    const reconsented = sealValue("rt-reconsent", "refresh_token", { workspaceId: ctx.workspaceId, rowId: ctx.mailboxId });
    const refresher: TRefresher = async () => {
      await db().grant.updateMany({ where: { mailboxId: ctx.mailboxId }, data: { sealedRefreshToken: reconsented } });
      return { ok: true, accessToken: "at-x", refreshToken: "rt-x", expiresIn: 3600, scopes: ["IMAP.AccessAsUser.All"] };
    };
    expect((await getAccessToken(ctx, refresher)).accessToken).toBe("at-x");
    const g = await db().grant.findFirstOrThrow({ where: { mailboxId: ctx.mailboxId }, omit: { sealedRefreshToken: false } });
    expect(g.sealedRefreshToken).toBe(reconsented);
    const next = rotatingEndpoint();
    await getAccessToken(ctx, next.refresher, { forceRefresh: true });
    expect(next.calls).toEqual(["rt-reconsent"]);
  });
});
