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
