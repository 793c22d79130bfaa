// Integration (real sandbox, real PostgreSQL): Connect identifies the person by object id and the
// addresses Microsoft holds for them (Graph /me: mail, proxyAddresses, userPrincipalName), not by
// comparing a sign-in name with the mailbox address.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED, SEED_PASSWORD } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { startMailboxConsent } from "./start-consent";
import { handleCallback } from "./handle-callback";
import { getConsentResult } from "./get-result";
import { addressesOf, isSamePerson } from "./identity-resolution";
import { getAccessToken } from "../grants/get-access-token";
import { microsoftRefresher } from "../grants/microsoft-refresher";
import { syncMailbox } from "../sync/sync-mailbox";

const env = sandboxForFile();
const F = SEED.fabrikam;
const JANE = SEED.upnDiffers;

/** A person on Microsoft's sign-in page: signs in (and accepts consent when asked). Returns the callback query. */
async function signInOnMicrosoft(url: string, upn: string): Promise<Record<string, string>> {
  const sb = env.sb;
  const flowOf = (html: string) => /name="flow" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const html = await (await fetch(url, { redirect: "manual" })).text();
  let r = await fetch(`${sb.urls.identity}/_sandbox/login`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ flow: flowOf(html), loginfmt: upn, passwd: SEED_PASSWORD }),
  });
  if (r.status !== 302) {
    r = await fetch(`${sb.urls.identity}/_sandbox/consent`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ flow: flowOf(await r.text()), action: "accept" }),
    });
  }
  expect(r.status).toBe(302);
  return Object.fromEntries(new URL(r.headers.get("location")!).searchParams);
}

async function mailbox(
  address: string,
  o: {
    signInName?: string;
    scopeProfile?: "imap_smtp" | "graph";
    kind?: "user" | "shared";
    delegateUpn?: string;
    /** Who the fixture's earlier grant was minted for (the sandbox mints by UPN). */
    mintAs?: string;
  } = {},
) {
  const m = await mailboxWithSandboxGrant(env.sb, address, {
    tenant: F,
    signedIn: o.mintAs ?? o.delegateUpn ?? o.signInName ?? address,
    mailbox: { kind: o.kind, delegateUpn: o.delegateUpn, inbound: o.scopeProfile === "graph" ? "graph" : "imap", outbound: "none" },
  });
  await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { signInName: o.signInName ?? null, state: "pending_consent" } });
  if (o.scopeProfile) await db().appRegistration.update({ where: { id: m.appId }, data: { scopeProfile: o.scopeProfile } });
  return m;
}

async function connectAs(m: Awaited<ReturnType<typeof mailbox>>, upn: string) {
  const staffUserId = randomUUID();
  const started = await startMailboxConsent({ ...m.ctx, staffUserId });
  const query = await signInOnMicrosoft(started.url, upn);
  await handleCallback({ query, cookieState: started.state, staffUserId });
  return { url: new URL(started.url), result: await getConsentResult(started.state) };
}

const mime = (subject: string) =>
  `From: Customer <customer@example.com>\r\nTo: ${JANE.mail}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, "")}@example.com>\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello\r\n`;
const grantOf = (mailboxId: string) => db().grant.findUniqueOrThrow({ where: { mailboxId }, select: { upn: true, oid: true } });
const janeOid = async () =>
  ((await env.sb.admin("GET", "/admin/state")).body.users as { id: string; upn: string }[]).find((u) => u.upn === JANE.upn)!.id;

describe("matching the signed-in person's addresses", () => {
  it("reads SMTP proxy addresses case-insensitively and ignores other address types", () => {
    const me = {
      userPrincipalName: "JDoe@x.test",
      mail: "Jane.Doe@x.test",
      proxyAddresses: ["SMTP:Jane.Doe@x.test", "smtp:jane@x.test", "SIP:jane@x.test"],
    };
    expect(addressesOf(me)).toEqual(["jane.doe@x.test", "jane@x.test"]);
    const who = { upn: "jdoe@x.test", addresses: addressesOf(me) };
    expect(isSamePerson("JANE@x.test", who)).toBe(true);
    expect(isSamePerson("smtp:jane.doe@x.test", who)).toBe(true);
    expect(isSamePerson("jdoe@x.test", who)).toBe(true);
    expect(isSamePerson("bob@x.test", who)).toBe(false);
  });
});

describe("Connect accepts the mailbox's owner by any of their addresses", { timeout: 120_000 }, () => {
  it("a user whose UPN differs from the mailbox address connects an IMAP mailbox (Graph /me over the refresh token)", async () => {
    const m = await mailbox(JANE.mail, { signInName: JANE.upn });
    const { url, result } = await connectAs(m, JANE.upn);
    // The sign-in name is the login hint; the sign-in asks consent for Graph's User.Read beside Outlook's scopes.
    expect(url.searchParams.get("login_hint")).toBe(JANE.upn);
    expect(url.searchParams.get("scope")).toContain("https://graph.microsoft.com/User.Read");
    expect(result).toMatchObject({ status: "completed", resultCode: "connected" });
    expect(await grantOf(m.ctx.mailboxId)).toEqual({ upn: JANE.upn, oid: await janeOid() });
    // The stored grant is Outlook's: IMAP opens with it.
    await expect(getAccessToken({ ...m.ctx, resource: OUTLOOK }, microsoftRefresher, { forceRefresh: true })).resolves.toMatchObject({
      refreshed: true,
    });
  });

  it("a Graph mailbox whose UPN differs connects with the redeemed token's own /me", async () => {
    const m = await mailbox(JANE.mail, { signInName: JANE.upn, scopeProfile: "graph" });
    const { result } = await connectAs(m, JANE.upn);
    expect(result).toMatchObject({ status: "completed", resultCode: "connected" });
  });

  it("an alias is accepted; another person is refused with who signed in, who was expected and the fix", async () => {
    const alias = await mailbox(JANE.alias, { mintAs: JANE.upn });
    expect((await connectAs(alias, JANE.upn)).result).toMatchObject({ status: "completed", resultCode: "connected" });
    // Connect learned the owner's sign-in name, the login hint from now on.
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: alias.ctx.mailboxId } })).signInName).toBe(JANE.upn);

    const other = await mailbox(JANE.mail, { signInName: JANE.upn });
    const refused = (await connectAs(other, `bob@${F.domain}`)).result!;
    expect(refused).toMatchObject({ status: "failed", resultCode: "wrong_user_signed_in" });
    expect(refused.detail).toMatchObject({
      cause: expect.stringContaining(`bob@${F.domain} signed in, but ${JANE.mail} isn't one of that account's addresses`),
      fixSteps: expect.arrayContaining([expect.stringContaining(`sign in as ${JANE.upn}`)]),
    });
    expect(await db().grant.findUniqueOrThrow({ where: { mailboxId: other.ctx.mailboxId }, select: { upn: true } })).toEqual({
      upn: JANE.upn, // the fixture's earlier grant, untouched by the refused sign-in
    });
  });

  it("a shared mailbox compares the delegate, not the shared address", async () => {
    const shared = await mailbox(`support@${F.domain}`, { kind: "shared", delegateUpn: `it@${F.domain}` });
    expect((await connectAs(shared, `it@${F.domain}`)).result).toMatchObject({ status: "completed", resultCode: "connected" });
    const wrong = (await connectAs(shared, `bob@${F.domain}`)).result!;
    expect(wrong).toMatchObject({ status: "failed", resultCode: "wrong_user_signed_in" });
    expect(wrong.detail.cause).toContain(`through its delegate it@${F.domain}`);
  });

  it("a UPN rename after connecting keeps the mailbox syncing, and the grant learns the new name", async () => {
    const m = await mailbox(JANE.mail, { signInName: JANE.upn });
    const oid = await janeOid();
    expect((await connectAs(m, JANE.upn)).result).toMatchObject({ status: "completed" });
    await env.sb.admin("POST", `/admin/mail/mailboxes/${JANE.mail}/messages`, { raw: mime("Before the rename") });
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true });
    const renamed = `jane.doe.renamed@${F.domain}`;
    expect((await env.sb.admin("PATCH", `/admin/users/${JANE.upn}`, { upn: renamed })).status).toBe(200);
    await env.sb.admin("POST", `/admin/mail/mailboxes/${JANE.mail}/messages`, { raw: mime("After the rename") });
    await getAccessToken({ ...m.ctx, resource: OUTLOOK }, microsoftRefresher, { forceRefresh: true });
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 1 });
    expect(await grantOf(m.ctx.mailboxId)).toEqual({ upn: renamed, oid });
    // The sign-in name (next login_hint) follows too.
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId } })).signInName).toBe(renamed);
    const subjects = (await db().message.findMany({ where: { mailboxId: m.ctx.mailboxId }, select: { subject: true } })).map(
      (x) => x.subject,
    );
    expect(subjects).toEqual(expect.arrayContaining(["Before the rename", "After the rename"]));
    await env.sb.admin("PATCH", `/admin/users/${renamed}`, { upn: JANE.upn });
  });
});
