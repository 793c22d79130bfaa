// Integration: "Send test email" sends for real and, sent to the mailbox itself, sees it arrive
// over IMAP or Graph in the sandbox.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { sendTestEmail } from "./test-email";

const F = SEED.fabrikam;
const env = sandboxForFile();
const codes = (r: Awaited<ReturnType<typeof sendTestEmail>>) =>
  r.steps.map((s) => `${s.step}:${s.protocol}:${s.ok ? "ok" : s.diagnosis?.code}`);

describe("send test email", { timeout: 60_000 }, () => {
  it("SMTP out, IMAP in: sent to itself, it arrives in the folder", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    const r = await sendTestEmail(m.ctx, `helpdesk@${F.domain}`);
    expect(codes(r)).toEqual(["outbound:smtp:ok", "inbound:imap:ok"]);
    expect(r.steps[1].detail).toMatch(/^Arrived in INBOX after \d+\.\d s/);
    expect(await db().event.count({ where: { mailboxId: m.ctx.mailboxId, code: "test_email_passed" } })).toBe(1);
  });

  it("IMAP read-back: a session ended by BYE AccessTokenExpired signs in again with a fresh token and still sees the message", async () => {
    const address = `admin@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    expect((await env.sb.admin("POST", "/admin/token-lifetime", { seconds: 60 })).status).toBe(200);
    try {
      // The IMAP server holds the watch's first sign-in OK for 3 seconds (after checking the token);
      // meanwhile the sandbox clock passes the token's exp, so the watch's next command gets
      // "* BYE Session invalidated - AccessTokenExpired".
      await env.sb.admin("POST", "/admin/mail/faults", { address, stallSeconds: 3 });
      const jump = (async () => {
        for (let i = 0; i < 600; i++) {
          const { faults } = (await env.sb.admin("GET", "/admin/mail/faults")).body as { faults: Record<string, unknown> };
          if (!faults[address]) return env.sb.admin("POST", "/admin/clock", { advanceDays: 61 / 86_400 }); // taken: signed in
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const r = await sendTestEmail(m.ctx, address);
      await jump;
      expect(codes(r)).toEqual(["outbound:smtp:ok", "inbound:imap:ok"]);
      expect(r.steps[1].ms).toBeGreaterThanOrEqual(3000); // the stalled first session was really ended and replaced
    } finally {
      await env.sb.admin("POST", "/admin/clock", { reset: true });
      await env.sb.admin("POST", "/admin/token-lifetime", { seconds: null });
    }
  });

  it("Graph both ways; to another address there is nothing to wait for", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.ReadWrite", "https://graph.microsoft.com/Mail.Send"],
      mailbox: { inbound: "graph", outbound: "graph" },
    });
    expect(codes(await sendTestEmail(m.ctx, `it@${F.domain}`))).toEqual(["outbound:graph:ok", "inbound:graph:ok"]);
    expect(codes(await sendTestEmail(m.ctx, `bob@${F.domain}`))).toEqual(["outbound:graph:ok"]);
    const bob = (await env.sb.admin("GET", `/admin/mail/mailboxes/bob@${F.domain}?limit=1`)).body;
    expect(bob.messages[0].subject).toMatch(/^Consentry test email [0-9a-f]{8}$/);
  });

  it("a refused send stops there, with its diagnosis", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `bob@${SEED.contoso.domain}`, { scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    const r = await sendTestEmail(m.ctx, `bob@${SEED.contoso.domain}`);
    expect(codes(r)).toEqual(["outbound:smtp:smtp_auth_disabled"]);
    expect(r.ok).toBe(false);
  });
});
