// Integration (real PostgreSQL + sandbox over real sockets): app-only mailboxes. The seeded
// Northwind daemon app has Entra admin consent for IMAP/POP/SMTP AccessAsApp, its service principal
// registered in Exchange, FullAccess on support@, and RBAC for Applications (Mail.ReadWrite +
// Mail.Send) scoped to support@ and helpdesk@. Consentry syncs and sends with the app's own
// client-credentials token (one per app, tenant and resource, cached sealed, single flight), and
// diagnoses each way Exchange refuses it.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { sealValue } from "../crypto";
import { HttpError } from "../core/errors";
import { SEED } from "../../sandbox/directory/seed";
import { servicePrincipalObjectId } from "../../sandbox/directory/exchange-rbac";
import { appOnlyWorkspace, sandboxForFile, type TTestSandbox } from "../../testing/sandbox-grant";
import { appOnlyToken } from "../grants/app-only-token";
import { startMailboxConsent } from "../consent/start-consent";
import { createMailboxConsentLink } from "../consent/consent-links";
import { testMailboxConnection } from "../checks/connection-test";
import { sendFromMailbox } from "../outbound/send-from-mailbox";
import { syncMailbox } from "./sync-mailbox";

const N = SEED.northwind;
const DM = SEED.northwindDaemon;
const SP = servicePrincipalObjectId(N.id, DM.clientId);
const env = sandboxForFile();
const OUTLOOK_RES = "https://outlook.office.com";

const count = async (sb: TTestSandbox, address: string) =>
  (await sb.admin("GET", `/admin/mail/mailboxes/${address}?limit=1`)).body.total as number;
const stateOf = (mailboxId: string) =>
  db().mailbox.findUniqueOrThrow({ where: { id: mailboxId }, select: { state: true, stateCode: true } });

describe("app-only mailboxes over IMAP, POP and SMTP (AccessAsApp)", { timeout: 90_000 }, () => {
  it("syncs support@ over IMAP with the app's token: cached sealed with its roles and the service principal's object id", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const ctx = await w.mailbox(`support@${N.domain}`, { inbound: "imap", outbound: "smtp" });
    const onServer = await count(env.sb, `support@${N.domain}`);
    expect(onServer).toBeGreaterThan(0);
    expect(await syncMailbox(ctx)).toMatchObject({ ok: true, stored: onServer });
    const row = await db().appOnlyToken.findFirstOrThrow({ where: { appRegistrationId: w.app.id, resource: OUTLOOK_RES } });
    expect(row).toMatchObject({ tenantId: w.tenant.id, spObjectId: SP, tid: N.id, secretId: w.secretId });
    expect(row.roles).toEqual(expect.arrayContaining(["IMAP.AccessAsApp", "POP.AccessAsApp", "SMTP.SendAsApp"]));
    expect(row.sealedAccessToken).not.toMatch(/^ey/); // sealed, never the JWT
    // A second round reuses the cached token: no new client-credentials call.
    const before = (await env.sb.admin("GET", "/admin/stats")).body.tokenRequests.client_credentials ?? 0;
    await env.sb.admin("POST", `/admin/mail/mailboxes/support@${N.domain}/messages`, {
      raw: `From: a@example.com\nTo: support@${N.domain}\nSubject: app-only new\nMessage-ID: <ao-1@example.com>\n\nhi\n`,
    });
    expect(await syncMailbox(ctx)).toMatchObject({ ok: true, stored: 1 });
    expect((await env.sb.admin("GET", "/admin/stats")).body.tokenRequests.client_credentials ?? 0).toBe(before);
    expect(await stateOf(ctx.mailboxId)).toEqual({ state: "connected", stateCode: null });
  });

  it("POP (the two-step AUTH XOAUTH2 with user=<mailbox>) and SMTP SendAsApp work for support@", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const ctx = await w.mailbox(`support@${N.domain}`, { inbound: "pop", outbound: "smtp" });
    const onServer = await count(env.sb, `support@${N.domain}`);
    expect(await syncMailbox(ctx)).toMatchObject({ ok: true, stored: onServer });
    const subject = `app-only send ${randomUUID()}`;
    expect(await sendFromMailbox(ctx, { to: `bob@${N.domain}`, subject, text: "sent by the daemon" })).toMatchObject({
      ok: true,
      protocol: "smtp",
      from: `support@${N.domain}`,
    });
    const inbox = (await env.sb.admin("GET", `/admin/mail/mailboxes/bob@${N.domain}?limit=50`)).body;
    expect(JSON.stringify(inbox)).toContain(subject);
    const test = await testMailboxConnection(ctx);
    expect(test.steps.map((s) => [s.protocol, s.ok])).toEqual([
      ["pop", true],
      ["smtp", true],
    ]);
  });

  it("a mailbox the app has no FullAccess on is refused and diagnosed with this tenant's PowerShell filled in", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const helpdesk = await w.mailbox(`helpdesk@${N.domain}`, { inbound: "imap", outbound: "none" });
    // Nothing of this app works yet in this workspace: Exchange's registration is the first suspect.
    const first = await syncMailbox(helpdesk);
    expect(first).toMatchObject({ ok: false, code: "app_only_sp_not_registered", transient: false });
    // Once support@ (FullAccess) syncs, the service principal is known to work: helpdesk@ lacks access.
    const support = await w.mailbox(`support@${N.domain}`, { inbound: "imap", outbound: "none" });
    expect(await syncMailbox(support)).toMatchObject({ ok: true });
    expect(await syncMailbox(helpdesk)).toMatchObject({ ok: false, code: "app_only_no_mailbox_access" });
    expect((await stateOf(helpdesk.mailboxId)).state).toBe("degraded");
    const last = await db().event.findFirstOrThrow({ where: { mailboxId: helpdesk.mailboxId }, orderBy: { createdAt: "desc" } });
    expect(last).toMatchObject({ level: "error", code: "app_only_no_mailbox_access" });
    const t = await testMailboxConnection(helpdesk);
    const step = t.steps.find((s) => s.protocol === "imap")!;
    expect(step.diagnosis?.code).toBe("app_only_no_mailbox_access");
    expect(step.diagnosis?.fixSteps[0]).toBe(
      `IMAP, POP or SMTP: Add-MailboxPermission -Identity helpdesk@${N.domain} -User ${SP} -AccessRights FullAccess`,
    );
    // The fix, done in Exchange (the sandbox's admin API): the next round syncs.
    await env.sb.admin("POST", `/admin/exchange/${N.id}/mailbox-permissions`, {
      identity: `helpdesk@${N.domain}`,
      user: SP,
      accessRights: "FullAccess",
    });
    expect(await syncMailbox(helpdesk)).toMatchObject({ ok: true });
    await env.sb.admin("DELETE", `/admin/exchange/${N.id}/mailbox-permissions/helpdesk@${N.domain}/${SP}`);
  });

  it("an admin consent without IMAP.AccessAsApp: the missing application permission is named", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const ctx = await w.mailbox(`support@${N.domain}`, { inbound: "imap", outbound: "none" });
    await env.sb.admin("DELETE", `/admin/tenants/${N.id}/consents/${DM.clientId}`);
    await env.sb.admin("POST", `/admin/tenants/${N.id}/consents`, {
      clientId: DM.clientId,
      roles: ["https://outlook.office.com/POP.AccessAsApp", "https://outlook.office.com/SMTP.SendAsApp"],
    });
    try {
      const r = await syncMailbox(ctx);
      expect(r).toMatchObject({ ok: false, code: "app_only_missing_role" });
    } finally {
      await env.sb.admin("POST", `/admin/tenants/${N.id}/consents`, {
        clientId: DM.clientId,
        roles: [
          "https://outlook.office.com/IMAP.AccessAsApp",
          "https://outlook.office.com/POP.AccessAsApp",
          "https://outlook.office.com/SMTP.SendAsApp",
        ],
      });
    }
  });

  it("a wrong client secret fails every app-only mailbox on the app with the secret diagnosis", async () => {
    const w = await appOnlyWorkspace("exchange_app_only", `${DM.secret.slice(0, -4)}XXXX`);
    const ctx = await w.mailbox(`support@${N.domain}`, { inbound: "imap", outbound: "none" });
    expect(await syncMailbox(ctx)).toMatchObject({ ok: false, code: "secret_invalid", transient: false });
    expect(await stateOf(ctx.mailboxId)).toEqual({ state: "failing", stateCode: "secret_invalid" });
  });
});

describe("app-only mailboxes over Graph (RBAC for Applications)", { timeout: 90_000 }, () => {
  it("reads a mailbox in the management scope on /users/{mailbox}; one outside it is refused and diagnosed", async () => {
    const w = await appOnlyWorkspace("graph_app_only");
    const inScope = await w.mailbox(`helpdesk@${N.domain}`, { inbound: "graph", outbound: "graph" });
    const onServer = await count(env.sb, `helpdesk@${N.domain}`);
    expect(await syncMailbox(inScope)).toMatchObject({ ok: true, stored: onServer });
    const subject = `graph app-only ${randomUUID()}`;
    expect(await sendFromMailbox(inScope, { to: `bob@${N.domain}`, subject, text: "hi" })).toMatchObject({ ok: true, protocol: "graph" });

    const outside = await w.mailbox(`bob@${N.domain}`, { inbound: "graph", outbound: "none" });
    expect(await syncMailbox(outside)).toMatchObject({ ok: false, code: "app_only_outside_scope" });
    expect(await stateOf(outside.mailboxId)).toEqual({ state: "degraded", stateCode: "app_only_outside_scope" });
    const t = await testMailboxConnection(outside);
    expect(t.steps[0].diagnosis?.fixSteps[0]).toContain(`Set-Mailbox -Identity bob@${N.domain} -CustomAttribute1 consentry`);
    // Into the scope (Set-Mailbox -CustomAttribute1 consentry through the sandbox's admin API): it reads.
    await env.sb.admin("PATCH", `/admin/exchange/${N.id}/recipients/bob@${N.domain}`, { CustomAttribute1: "consentry" });
    try {
      expect(await syncMailbox(outside)).toMatchObject({ ok: true });
    } finally {
      await env.sb.admin("PATCH", `/admin/exchange/${N.id}/recipients/bob@${N.domain}`, { CustomAttribute1: null });
    }
  });
});

describe("the app token", { timeout: 90_000 }, () => {
  it("single flight: concurrent callers (a forced refresh included) cause one client-credentials call", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const stat = async () => (await env.sb.admin("GET", "/admin/stats")).body.tokenRequests.client_credentials ?? 0;
    const before = await stat();
    const all = await Promise.all(Array.from({ length: 6 }, () => appOnlyToken(w.ref, OUTLOOK_RES)));
    expect(new Set(all.map((t) => t.accessToken)).size).toBe(1);
    expect((await stat()) - before).toBe(1);
    const forced = await Promise.all([
      appOnlyToken(w.ref, OUTLOOK_RES, { forceRefresh: true }),
      appOnlyToken(w.ref, OUTLOOK_RES, { forceRefresh: true }),
    ]);
    expect(forced[0].accessToken).not.toBe(all[0].accessToken);
    expect((await stat()) - before).toBe(2);
  });

  it("a crashed holder's lease (another process, no token stored) runs out and is taken over: one call, the lease freed", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const stat = async () => (await env.sb.admin("GET", "/admin/stats")).body.tokenRequests.client_credentials ?? 0;
    const before = await stat();
    const leasedUntil = new Date(Date.now() + 1_500);
    await db().appOnlyToken.create({ data: { ...w.ref, resource: OUTLOOK_RES, refreshingUntil: leasedUntil } });
    const all = await Promise.all([
      appOnlyToken(w.ref, OUTLOOK_RES),
      appOnlyToken(w.ref, OUTLOOK_RES, { forceRefresh: true }),
      appOnlyToken(w.ref, OUTLOOK_RES),
    ]);
    expect(Date.now()).toBeGreaterThanOrEqual(leasedUntil.getTime());
    expect(new Set(all.map((t) => t.accessToken)).size).toBe(1);
    expect(all.filter((t) => t.refreshed)).toHaveLength(1);
    expect((await stat()) - before).toBe(1);
    const row = await db().appOnlyToken.findFirstOrThrow({ where: { appRegistrationId: w.app.id, resource: OUTLOOK_RES } });
    expect(row).toMatchObject({ refreshingUntil: null, spObjectId: SP, lastErrorCode: null });
  });

  it("another process's live lease: waiters are woken when it stores its token and serve that, with no call of their own", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const stat = async () => (await env.sb.admin("GET", "/admin/stats")).body.tokenRequests.client_credentials ?? 0;
    const before = await stat();
    const row = await db().appOnlyToken.create({
      data: { ...w.ref, resource: OUTLOOK_RES, refreshingUntil: new Date(Date.now() + 20_000) },
    });
    const waiting = Promise.all([appOnlyToken(w.ref, OUTLOOK_RES), appOnlyToken(w.ref, OUTLOOK_RES, { forceRefresh: true })]);
    await new Promise((r) => setTimeout(r, 400));
    const theirs = `header.${Buffer.from(JSON.stringify({ roles: ["IMAP.AccessAsApp"], oid: SP, tid: N.id })).toString("base64url")}.sig`;
    await db().appOnlyToken.update({
      where: { id: row.id },
      data: {
        sealedAccessToken: sealValue(theirs, "access_token", { workspaceId: w.ws.id, rowId: row.id }),
        expiresAt: new Date(Date.now() + 3600_000),
        roles: ["IMAP.AccessAsApp"],
        spObjectId: SP,
        tid: N.id,
        secretId: w.secretId,
        lastRefreshAt: new Date(),
        refreshingUntil: null,
      },
    });
    const got = await waiting;
    expect(got.map((t) => [t.accessToken, t.refreshed, t.spObjectId])).toEqual([
      [theirs, false, SP],
      [theirs, false, SP],
    ]);
    expect((await stat()) - before).toBe(0);
  });

  it("Connect on an app-only app is refused (400) before any consent request: no user sign-in, never an empty scope", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const ctx = await w.mailbox(`support@${N.domain}`, { inbound: "imap" });
    const err = await startMailboxConsent({ ...ctx, staffUserId: randomUUID() }).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as Error).message).toMatch(/app-only/);
    const link = await createMailboxConsentLink({ ...ctx, actor: { workspaceId: ctx.workspaceId, email: "tech@msp.test" } }).catch(
      (e) => e,
    );
    expect(link).toBeInstanceOf(HttpError);
    expect((link as HttpError).status).toBe(400);
    expect(await db().consentRequest.count({ where: { mailboxId: ctx.mailboxId } })).toBe(0);
  });

  it("secret rotation while app-only mailboxes keep syncing: the next token is minted with the new secret", async () => {
    const w = await appOnlyWorkspace("exchange_app_only");
    const a = await w.mailbox(`support@${N.domain}`, { inbound: "imap", outbound: "none" });
    expect(await syncMailbox(a)).toMatchObject({ ok: true });
    // A new secret in Azure and in Consentry; the old one retired in Consentry and expired in Azure.
    const fresh = (await env.sb.admin("POST", `/admin/apps/${DM.clientId}/secrets`, { expiresInDays: 180 })).body;
    const newId = randomUUID();
    await db().$transaction([
      db().appSecret.create({
        data: {
          id: newId,
          workspaceId: w.ws.id,
          appRegistrationId: w.app.id,
          sealedValue: sealValue(fresh.value, "client_secret", { workspaceId: w.ws.id, rowId: newId }),
          last4: fresh.value.slice(-4),
          expiresAt: new Date(Date.now() + 86_400_000 * 180),
          status: "active",
        },
      }),
      db().appSecret.update({ where: { id: w.secretId }, data: { status: "retired" } }),
    ]);
    await env.sb.admin("POST", `/admin/apps/${DM.clientId}/secrets/${DM.secret.slice(0, 12)}/expire`);
    try {
      await env.sb.admin("POST", `/admin/mail/mailboxes/support@${N.domain}/messages`, {
        raw: `From: a@example.com\nTo: support@${N.domain}\nSubject: after rotation\nMessage-ID: <rot-${randomUUID()}@example.com>\n\nhi\n`,
      });
      expect(await syncMailbox(a)).toMatchObject({ ok: true, stored: 1 });
      const row = await db().appOnlyToken.findFirstOrThrow({ where: { appRegistrationId: w.app.id, resource: OUTLOOK_RES } });
      expect(row.secretId).toBe(newId);
    } finally {
      // Other tests of this file use the seeded secret: give it back a future expiry.
      await env.sb.admin("POST", `/admin/apps/${DM.clientId}/secrets`, { value: DM.secret, expiresInDays: 365 });
    }
  });
});
