// Integration: the connection test signs in for real over IMAP, POP, SMTP and Graph against the
// sandbox, and turns each directory-state failure into the diagnosis a technician needs.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, IMAP_SCOPE, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { lastConnectionTest, testMailboxConnection } from "./connection-test";

const SMTP_SCOPE = `${OUTLOOK}/SMTP.Send`;
const POP_SCOPE = `${OUTLOOK}/POP.AccessAsUser.All`;
const GRAPH_SCOPES = ["https://graph.microsoft.com/Mail.ReadWrite", "https://graph.microsoft.com/Mail.Send"];
const F = SEED.fabrikam;
const env = sandboxForFile();

const codes = (r: Awaited<ReturnType<typeof testMailboxConnection>>) =>
  r.steps.map((s) => `${s.protocol}:${s.ok ? "ok" : s.diagnosis?.code}`);

describe("connection test against the sandbox", { timeout: 60_000 }, () => {
  it("passes over IMAP and SMTP for a healthy user mailbox, and is kept as the mailbox's last test", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, SMTP_SCOPE] });
    const r = await testMailboxConnection(m.ctx);
    expect(codes(r)).toEqual(["imap:ok", "smtp:ok"]);
    expect(r.ok).toBe(true);
    expect(r.steps[0].detail).toMatch(/INBOX holds \d+ messages/);
    expect(await lastConnectionTest(m.ctx)).toMatchObject({ ok: true });
    const ev = await db().event.findFirstOrThrow({ where: { mailboxId: m.ctx.mailboxId, code: "connection_test_passed" } });
    expect(JSON.stringify(ev)).not.toContain(m.issued[0]);
  });

  it("SMTP AUTH off for the tenant is 5.7.139, diagnosed as smtp_auth_disabled while IMAP still works", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${SEED.contoso.domain}`, { scopes: [IMAP_SCOPE, SMTP_SCOPE] });
    const r = await testMailboxConnection(m.ctx);
    expect(codes(r)).toEqual(["imap:ok", "smtp:smtp_auth_disabled"]);
    expect(r.steps[1].detail).toContain("5.7.139");
    expect(await lastConnectionTest(m.ctx)).toMatchObject({ ok: false });
    // Half working: degraded, with the diagnosis as the mailbox's state code. Fixed: connected again.
    const state = () => db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId }, select: { state: true, stateCode: true } });
    expect(await state()).toEqual({ state: "degraded", stateCode: "smtp_auth_disabled" });
    await env.sb.admin("PATCH", `/admin/tenants/${SEED.contoso.id}`, { smtpAuthDisabled: false });
    try {
      expect((await testMailboxConnection(m.ctx)).ok).toBe(true);
      expect(await state()).toEqual({ state: "connected", stateCode: null });
    } finally {
      await env.sb.admin("PATCH", `/admin/tenants/${SEED.contoso.id}`, { smtpAuthDisabled: true });
    }
  });

  it('tells apart the causes of "authenticated but not connected" from what Consentry knows', async () => {
    await env.sb.admin("PATCH", `/admin/users/bob@${F.domain}`, { imapEnabled: false });
    const off = await mailboxWithSandboxGrant(env.sb, `bob@${F.domain}`, { tenant: F, mailbox: { outbound: "none" } });
    expect(codes(await testMailboxConnection(off.ctx))).toEqual(["imap:mailbox_unlicensed_or_imap_disabled"]);
    await env.sb.admin("PATCH", `/admin/users/bob@${F.domain}`, { imapEnabled: true });

    const wrong = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, {
      tenant: F,
      signedIn: `bob@${F.domain}`,
      mailbox: { outbound: "none" },
    });
    expect(codes(await testMailboxConnection(wrong.ctx))).toEqual(["imap:wrong_user_signed_in"]);

    const shared = await mailboxWithSandboxGrant(env.sb, `support@${F.domain}`, {
      tenant: F,
      signedIn: `it@${F.domain}`,
      mailbox: { kind: "shared", delegateUpn: `it@${F.domain}`, outbound: "none" },
    });
    expect(codes(await testMailboxConnection(shared.ctx))).toEqual(["imap:ok"]);
    const noRights = await mailboxWithSandboxGrant(env.sb, `support@${F.domain}`, {
      tenant: F,
      signedIn: `bob@${F.domain}`,
      mailbox: { kind: "shared", delegateUpn: `bob@${F.domain}`, outbound: "none" },
    });
    expect(codes(await testMailboxConnection(noRights.ctx))).toEqual(["imap:delegate_lacks_full_access"]);
  });

  it("a shared mailbox: IMAP as the shared address with the delegate's token, and a real send as it proves SendAs; both SendAs refusals are diagnosed", async () => {
    const sharedBox = { kind: "shared" as const, delegateUpn: `it@${F.domain}` };
    const m = await mailboxWithSandboxGrant(env.sb, `support@${F.domain}`, {
      tenant: F,
      signedIn: `it@${F.domain}`,
      scopes: [IMAP_SCOPE, SMTP_SCOPE],
      mailbox: sharedBox,
    });
    const r = await testMailboxConnection(m.ctx);
    expect(codes(r)).toEqual(["imap:ok", "smtp:ok"]);
    expect(r.steps[1].detail).toContain(`Sent as support@${F.domain}`);
    const inbox = (await env.sb.admin("GET", `/admin/mail/mailboxes/it@${F.domain}?limit=1`)).body;
    expect(inbox.messages[0]).toMatchObject({ from: `support@${F.domain}`, subject: `Consentry: sending as support@${F.domain} works` });

    await env.sb.admin("PATCH", `/admin/shared-mailboxes/support@${F.domain}`, { sendAs: [] });
    try {
      const denied = await testMailboxConnection(m.ctx);
      expect(codes(denied)).toEqual(["imap:ok", "smtp:delegate_lacks_send_as"]);
      expect(denied.steps[1].detail).toContain(`554 5.2.252 SendAsDenied; it@${F.domain} not allowed to send as support@${F.domain};`);
      expect(denied.steps[1].diagnosis!.fixSteps.join(" ")).toContain("Add-RecipientPermission");
      // An older tenant refuses with 550 5.7.60: the same diagnosis.
      await env.sb.admin("PATCH", `/admin/tenants/${F.id}`, { sendAsDeniedReply: "5.7.60" });
      try {
        const older = await testMailboxConnection(m.ctx);
        expect(codes(older)).toEqual(["imap:ok", "smtp:delegate_lacks_send_as"]);
        expect(older.steps[1].detail).toMatch(/550 5\.7\.60 SMTP; Client does not have permissions to send as this sender \[/);
      } finally {
        await env.sb.admin("PATCH", `/admin/tenants/${F.id}`, { sendAsDeniedReply: "5.2.252" });
      }
      const g = await mailboxWithSandboxGrant(env.sb, `support@${F.domain}`, {
        tenant: F,
        signedIn: `it@${F.domain}`,
        scopes: ["https://graph.microsoft.com/Mail.ReadWrite.Shared", "https://graph.microsoft.com/Mail.Send.Shared"],
        mailbox: { ...sharedBox, inbound: "graph", outbound: "graph" },
      });
      const viaGraph = await testMailboxConnection(g.ctx);
      expect(codes(viaGraph)[0]).toBe("graph:ok");
      expect(codes(viaGraph)[1]).toBe("graph:delegate_lacks_send_as");
    } finally {
      await env.sb.admin("PATCH", `/admin/shared-mailboxes/support@${F.domain}`, { sendAs: [`it@${F.domain}`] });
    }
  });

  it("POP3 and Microsoft Graph sign in too; an unlicensed mailbox is MailboxNotEnabledForRESTAPI", async () => {
    const pop = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, {
      tenant: F,
      scopes: [POP_SCOPE],
      mailbox: { inbound: "pop", outbound: "none" },
    });
    expect(codes(await testMailboxConnection(pop.ctx))).toEqual(["pop:ok"]);
    const graph = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, {
      tenant: F,
      scopes: GRAPH_SCOPES,
      mailbox: { inbound: "graph", outbound: "graph" },
    });
    const g = await testMailboxConnection(graph.ctx);
    expect(codes(g), JSON.stringify(g.steps)).toEqual(["graph:ok", "graph:ok"]);
    expect(g.steps[0].detail).toMatch(/Inbox.*messages/i);
    // The grant has mail scopes only (no User.Read): the send check reaches the mailbox, not the
    // user's profile, which Graph refuses with 403 Authorization_RequestDenied.
    expect(g.steps[1].detail).toMatch(/Sent Items/);
    const N = SEED.northwind;
    const unlicensed = await mailboxWithSandboxGrant(env.sb, `sales@${N.domain}`, {
      tenant: N,
      scopes: GRAPH_SCOPES,
      mailbox: { inbound: "graph", outbound: "none" },
    });
    expect(codes(await testMailboxConnection(unlicensed.ctx))).toEqual(["graph:graph_mailbox_not_enabled"]);
  });

  it("a dead grant stops at the token step with its diagnosis", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `admin@${F.domain}`, { tenant: F });
    await new Promise((r) => setTimeout(r, 5));
    await env.sb.admin("POST", `/admin/users/admin@${F.domain}/revoke-sessions`);
    const r = await testMailboxConnection(m.ctx);
    expect(r.steps.map((s) => `${s.step}:${s.diagnosis?.code}`)).toEqual(["token:refresh_token_revoked"]);
  });

  it("IMAP: a token that expires under the test's session (BYE AccessTokenExpired) gets a fresh token and a second sign-in, not a failure", async () => {
    const address = `bob@${SEED.northwind.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: SEED.northwind, scopes: [IMAP_SCOPE, SMTP_SCOPE] });
    expect((await env.sb.admin("POST", "/admin/token-lifetime", { seconds: 60 })).status).toBe(200);
    try {
      // The server holds the first sign-in's OK for 2 seconds; meanwhile the sandbox clock passes the
      // token's exp, so the STATUS that follows gets "* BYE Session invalidated - AccessTokenExpired".
      await env.sb.admin("POST", "/admin/mail/faults", { address, stallSeconds: 2 });
      const jump = new Promise((r) => setTimeout(r, 1000)).then(() => env.sb.admin("POST", "/admin/clock", { advanceDays: 61 / 86_400 }));
      const r = await testMailboxConnection(m.ctx);
      await jump;
      // SMTP (same resource) then signs in with the renewed token, not the expired one.
      expect(codes(r)).toEqual(["imap:ok", "smtp:ok"]);
      expect(r.steps[0].detail).toMatch(/INBOX holds \d+ messages/);
      expect(r.steps[0].ms).toBeGreaterThanOrEqual(2000);
    } finally {
      await env.sb.admin("POST", "/admin/token-lifetime", { seconds: null });
    }
  });
});
