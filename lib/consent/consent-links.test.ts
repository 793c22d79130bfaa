// Integration (real PostgreSQL + sandbox): consent links. Each visit starts its own attempt, so
// two visitors never break each other; links can be revoked; and consent never starts without an
// expected user (issue 9, finding 13).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { HttpError } from "../core/errors";
import { startTestSandbox } from "../../testing/start-test-sandbox";
import { SEED, SEED_PASSWORD } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, useSandboxCloud, type TTestSandbox } from "../../testing/sandbox-grant";
import { updateMailbox } from "../mailboxes/manage-mailboxes";
import { ZMailboxUpdate } from "../mailboxes/schemas";
import { createMailboxConsentLink, resolveConsentLink, revokeConsentLink } from "./consent-links";
import { startFromLink, startMailboxConsent } from "./start-consent";
import { handleCallback } from "./handle-callback";
import { consentRequestForRetry, getConsentResult } from "./get-result";

let sb: TTestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
  useSandboxCloud(sb);
});
afterAll(() => sb?.stop());

/** Signs in on the sandbox's Microsoft page (accepting consent if asked); the callback's query. */
async function signIn(url: string, upn: string): Promise<Record<string, string>> {
  const flowOf = (html: string) => /name="flow" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const query = (r: Response) => Object.fromEntries(new URL(r.headers.get("location")!).searchParams);
  let html = await (await fetch(url, { redirect: "manual" })).text();
  let r = await fetch(`${sb.urls.identity}/_sandbox/login`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: flowOf(html), loginfmt: upn, passwd: SEED_PASSWORD }),
  });
  if (r.status === 302) return query(r);
  html = await r.text();
  r = await fetch(`${sb.urls.identity}/_sandbox/consent`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: flowOf(html), action: "accept" }),
  });
  return query(r);
}

const tokenOf = (url: string) => url.split("/consent/")[1];

async function expectHttp(p: Promise<unknown>, status: number, text?: RegExp) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  expect((err as HttpError).status).toBe(status);
  if (text) expect((err as HttpError).message).toMatch(text);
}

describe("consent links", { timeout: 90_000 }, () => {
  it("two visitors of one link each get their own sign-in: the first still completes after the second started", async () => {
    const upn = `bob@${SEED.contoso.domain}`;
    const m = await mailboxWithSandboxGrant(sb, upn);
    const actor = { workspaceId: m.ctx.workspaceId, email: "admin@msp.test" };
    const link = await createMailboxConsentLink({ ...m.ctx, actor });
    const first = await startFromLink(link.id);
    const second = await startFromLink(link.id); // e.g. the customer's colleague opens the same link
    expect(first.state).not.toBe(second.state);
    const attempts = await db().consentRequest.findMany({ where: { linkRequestId: link.id }, omit: { sealedCodeVerifier: false } });
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts.map((a) => a.stateHash)).size).toBe(2);
    expect(new Set(attempts.map((a) => a.nonce)).size).toBe(2);
    expect(new Set(attempts.map((a) => a.sealedCodeVerifier)).size).toBe(2);

    const q = await signIn(first.url, upn);
    const out = await handleCallback({ query: q, cookieState: first.state, staffUserId: null });
    expect(out.redirect).toContain("state=");
    expect(await getConsentResult(first.state)).toMatchObject({ status: "completed", resultCode: "connected", isLink: true });
    // The link is now used, with a clear answer on its page and no new attempt.
    expect((await resolveConsentLink(tokenOf(link.url))).state).toBe("used");
    await expectHttp(startFromLink(link.id), 409);
  });

  it("a failed attempt leaves the link open: Try again starts a new attempt", async () => {
    const upn = `bob@${SEED.contoso.domain}`;
    const m = await mailboxWithSandboxGrant(sb, upn);
    const link = await createMailboxConsentLink({ ...m.ctx, actor: { workspaceId: m.ctx.workspaceId, email: "admin@msp.test" } });
    const a = await startFromLink(link.id);
    await handleCallback({
      query: { state: a.state, error: "access_denied", error_description: "AADSTS65004: declined" },
      cookieState: a.state,
      staffUserId: null,
    });
    expect(await getConsentResult(a.state)).toMatchObject({ status: "failed", isLink: true, canRetry: true });
    expect(await consentRequestForRetry(a.state)).toBe(link.id);
    expect((await resolveConsentLink(tokenOf(link.url))).state).toBe("ok");
  });

  it("revoke: the page says withdrawn, a sign-in already started can't finish, and it is audited", async () => {
    const upn = `bob@${SEED.contoso.domain}`;
    const m = await mailboxWithSandboxGrant(sb, upn);
    const actor = { workspaceId: m.ctx.workspaceId, email: "admin@msp.test" };
    const link = await createMailboxConsentLink({ ...m.ctx, actor });
    const started = await startFromLink(link.id);
    // Another workspace can't revoke it (same answer as a missing link).
    await expectHttp(revokeConsentLink({ workspaceId: randomUUID(), tenantId: m.ctx.tenantId, id: link.id, actor }), 404);
    await revokeConsentLink({ workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, id: link.id, actor });
    expect((await resolveConsentLink(tokenOf(link.url))).state).toBe("revoked");
    await expectHttp(startFromLink(link.id), 409);
    const q = await signIn(started.url, upn);
    await handleCallback({ query: q, cookieState: started.state, staffUserId: null });
    expect(await getConsentResult(started.state)).toMatchObject({ status: "revoked", resultCode: "link_revoked", canRetry: false });
    expect(await db().event.count({ where: { mailboxId: m.ctx.mailboxId, code: "connected" } })).toBe(0);
    const audit = await db().auditEntry.findFirst({ where: { workspaceId: m.ctx.workspaceId, action: "consent_link.revoke" } });
    expect(audit).toMatchObject({ targetId: m.ctx.mailboxId, tenantId: m.ctx.tenantId });
    // Revoking twice is harmless; a used link can't be revoked.
    await revokeConsentLink({ workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, id: link.id, actor });
  });
});

describe("consent needs an expected user", { timeout: 60_000 }, () => {
  async function sharedMailbox() {
    const m = await mailboxWithSandboxGrant(sb, `info@${SEED.contoso.domain}`, {
      signedIn: `bob@${SEED.contoso.domain}`,
      mailbox: { kind: "shared", delegateUpn: `bob@${SEED.contoso.domain}` },
    });
    return { ...m, actor: { workspaceId: m.ctx.workspaceId, email: "admin@msp.test" } };
  }

  it("clearing a shared mailbox's delegate is refused with a 400 naming the field", async () => {
    const m = await sharedMailbox();
    const input = ZMailboxUpdate.parse({ delegateUpn: null });
    const err = await updateMailbox({ ...m.ctx, actor: m.actor, input }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).fields?.delegateUpn).toMatch(/delegate/);
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).delegateUpn).toBe(`bob@${SEED.contoso.domain}`);
  });

  it("a shared mailbox without a delegate (older data) can't be connected, linked, or started from an older link", async () => {
    const m = await sharedMailbox();
    const before = await createMailboxConsentLink({ ...m.ctx, actor: m.actor });
    await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { delegateUpn: null } });
    await db().consentRequest.update({ where: { id: before.id }, data: { expectedUpn: null } });
    await expectHttp(startMailboxConsent({ ...m.ctx, staffUserId: randomUUID() }), 400, /Delegate \(signs in\)/);
    await expectHttp(createMailboxConsentLink({ ...m.ctx, actor: m.actor }), 400, /Delegate \(signs in\)/);
    expect((await resolveConsentLink(tokenOf(before.url))).state).toBe("unusable");
    await expectHttp(startFromLink(before.id), 400, /Delegate \(signs in\)/);
    expect(await db().consentRequest.count({ where: { mailboxId: m.ctx.mailboxId, stateHash: { not: null } } })).toBe(0);
  });
});
