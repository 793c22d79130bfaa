// Test mail stays out of the way: the connection test's and "Send test email"'s messages carry a
// header only Consentry can write, sync never stores them (so no REST API row, webhook or Mail card
// line), and the read-back removes them from the mailbox.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { isOwnTestMail, isOwnTestMailTag, newTestMailTag, TEST_MAIL_HEADER, testMailTagOf } from "../mail/test-mail";
import { syncMailbox } from "../sync/sync-mailbox";
import { sendTestEmail } from "./test-email";

const F = SEED.fabrikam;
const env = sandboxForFile();
const raw = (subject: string, extra = "") =>
  `From: Customer <customer@example.com>\r\nTo: helpdesk@${F.domain}\r\nSubject: ${subject}\r\n${extra}Message-ID: <${subject.replace(/\W/g, "")}@example.com>\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello\r\n`;
const subjects = async (address: string) =>
  ((await env.sb.admin("GET", `/admin/mail/mailboxes/${address}?limit=50`)).body.messages as { subject: string }[]).map((m) => m.subject);

describe("test mail tag", () => {
  it("is recognised only when Consentry wrote it", () => {
    const tag = newTestMailTag();
    expect(isOwnTestMailTag(tag)).toBe(true);
    const [id, mac] = tag.split(".");
    expect(isOwnTestMailTag(`${id}.${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`)).toBe(false);
    expect(isOwnTestMailTag(`${"x".repeat(12)}.${"y".repeat(32)}`)).toBe(false);
    expect(isOwnTestMailTag("yes")).toBe(false);
    expect(isOwnTestMailTag(null)).toBe(false);
  });

  it("is read from the header section only, folded or not, in any case", () => {
    const tag = newTestMailTag();
    expect(testMailTagOf(Buffer.from(raw("a", `x-consentry-test:\r\n ${tag}\r\n`)))).toBe(tag);
    expect(isOwnTestMail(Buffer.from(raw("a", `${TEST_MAIL_HEADER}: ${tag}\r\n`)))).toBe(true);
    // In the body it is just text.
    expect(isOwnTestMail(Buffer.from(`${raw("a")}${TEST_MAIL_HEADER}: ${tag}\r\n`))).toBe(false);
  });
});

describe("test mail and sync", { timeout: 90_000 }, () => {
  it("IMAP: genuine test mail is never stored, a forged header is ordinary mail, and the read-back removes the test email", async () => {
    const address = `helpdesk@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    await syncMailbox(m.ctx);
    const before = await db().message.count({ where: { mailboxId: m.ctx.mailboxId } });
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
      raw: raw("Genuine test", `${TEST_MAIL_HEADER}: ${newTestMailTag()}\r\n`),
    });
    await env.sb.admin("POST", `/admin/mail/mailboxes/${address}/messages`, {
      raw: raw("Forged test", `${TEST_MAIL_HEADER}: ${"x".repeat(12)}.${"y".repeat(32)}\r\n`),
    });
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 1 });
    const rows = await db().message.findMany({ where: { mailboxId: m.ctx.mailboxId }, select: { subject: true } });
    expect(rows).toHaveLength(before + 1);
    expect(rows.map((r) => r.subject)).toContain("Forged test");
    expect(rows.map((r) => r.subject)).not.toContain("Genuine test");
    // Left in the mailbox (sync never after-processes it): only the read-back removes test mail.
    expect(await subjects(address)).toContain("Genuine test");

    const r = await sendTestEmail(m.ctx, address);
    expect(r.steps.map((s) => `${s.step}:${s.protocol}:${s.ok}`)).toEqual(["outbound:smtp:true", "inbound:imap:true"]);
    expect(r.steps[1].detail).toContain("removed it again");
    expect((await subjects(address)).filter((s) => /^Consentry test email /.test(s))).toEqual([]);
    expect(await syncMailbox(m.ctx)).toMatchObject({ ok: true, stored: 0 });
  });

  it("Graph: the test email is removed after the read-back and never stored", async () => {
    const address = `it@${F.domain}`;
    const m = await mailboxWithSandboxGrant(env.sb, address, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.ReadWrite", "https://graph.microsoft.com/Mail.Send"],
      mailbox: { inbound: "graph", outbound: "graph" },
    });
    await syncMailbox(m.ctx);
    const stored = await db().message.count({ where: { mailboxId: m.ctx.mailboxId } });
    const r = await sendTestEmail(m.ctx, address);
    expect(r.ok).toBe(true);
    expect(r.steps[1].detail).toContain("removed it again");
    expect((await subjects(address)).filter((s) => /^Consentry test email /.test(s))).toEqual([]);
    await syncMailbox(m.ctx);
    expect(await db().message.count({ where: { mailboxId: m.ctx.mailboxId } })).toBe(stored);
  });

  it("a test email to another Consentry mailbox isn't handed to its helpdesk either", async () => {
    const from = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.ReadWrite", "https://graph.microsoft.com/Mail.Send"],
      mailbox: { inbound: "graph", outbound: "graph" },
    });
    const to = await mailboxWithSandboxGrant(env.sb, `bob@${F.domain}`, { tenant: F });
    await syncMailbox(to.ctx);
    const before = await db().message.count({ where: { mailboxId: to.ctx.mailboxId } });
    expect((await sendTestEmail(from.ctx, `bob@${F.domain}`)).ok).toBe(true);
    expect((await subjects(`bob@${F.domain}`))[0]).toMatch(/^Consentry test email /);
    await syncMailbox(to.ctx);
    expect(await db().message.count({ where: { mailboxId: to.ctx.mailboxId } })).toBe(before);
  });
});
