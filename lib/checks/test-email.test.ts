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
