// Integration: the outbound queue sends through the sandbox over real SMTP (XOAUTH2) and Graph
// (MIME sendMail), shares work between workers without sending twice, recovers a dead worker's
// claims, fails permanently with a diagnosis, holds mail for a mailbox needing re-consent, and
// sends the held and failed mail once the cause is fixed.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, lastInboxMessages, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { ZOutboundInput } from "./compose";
import { enqueueOutbound, retryAllFailed } from "./queue";
import { CLAIM_MS, claimOutbound, sendDueOutbound } from "./send-loop";

const F = SEED.fabrikam;
const C = SEED.contoso;
const env = sandboxForFile();
const msg = (o: Record<string, unknown>) => ZOutboundInput.parse({ text: "Hello from the queue.", ...o });
const status = (id: string) =>
  db().outboundMessage.findUniqueOrThrow({ where: { id }, select: { status: true, attempts: true, lastErrorCode: true, sentAt: true } });
// Workspaces this file made: its drains send only their mail, never another test file's.
const mine: string[] = [];
const grantFor = async (...a: Parameters<typeof mailboxWithSandboxGrant>) => {
  const m = await mailboxWithSandboxGrant(...a);
  mine.push(m.ctx.workspaceId);
  return m;
};
const drain = async (worker = "w1") => {
  let n = 0;
  for (let i = 0; i < 20; i++) {
    const k = await sendDueOutbound(worker, { concurrency: 4, workspaceIds: mine });
    n += k;
    if (k === 0) break;
  }
  return n;
};

describe("outbound queue", { timeout: 90_000 }, () => {
  it("SMTP: sends the composed message as is (Message-ID, Reply-To, signature); Bcc is delivered but not shown", async () => {
    const m = await grantFor(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { replyTo: `support@${F.domain}`, signature: "Fabrikam Helpdesk" } });
    const { message } = await enqueueOutbound(
      m.ctx,
      msg({ to: [`bob@${F.domain}`], bcc: [`it@${F.domain}`], subject: "Ticket #42 solved" }),
      { createdVia: "test" },
    );
    expect(message.status).toBe("queued");
    expect(await drain()).toBe(1);
    expect(await status(message.id)).toMatchObject({ status: "sent", attempts: 1 });
    const [bob] = await lastInboxMessages(env.sb, `bob@${F.domain}`, F.clientId);
    expect(bob).toContain(`Message-ID: ${message.internetMessageId}`);
    expect(bob).toMatch(/^Reply-To: support@fabrikam\.onmicrosoft\.com\r?$/m);
    expect(bob).toContain("Fabrikam Helpdesk");
    expect(bob).not.toMatch(/^Bcc:/im);
    const [it] = await lastInboxMessages(env.sb, `it@${F.domain}`, F.clientId);
    expect(it).toContain(`Message-ID: ${message.internetMessageId}`);
    expect(await db().event.count({ where: { mailboxId: m.ctx.mailboxId, code: "outbound_sent" } })).toBe(1);
  });

  it("Graph: the MIME goes through sendMail unchanged", async () => {
    const m = await grantFor(env.sb, `it@${F.domain}`, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.Send"],
      mailbox: { inbound: "none", outbound: "graph" },
    });
    const { message } = await enqueueOutbound(
      m.ctx,
      msg({ to: [`bob@${F.domain}`], subject: "Via Graph", inReplyTo: "<t1@example.com>" }),
      { createdVia: "test" },
    );
    expect(await drain()).toBe(1);
    expect((await status(message.id)).status).toBe("sent");
    const [bob] = await lastInboxMessages(env.sb, `bob@${F.domain}`, F.clientId);
    expect(bob).toContain(`Message-ID: ${message.internetMessageId}`);
    expect(bob).toMatch(/^In-Reply-To: <t1@example\.com>\r?$/m);
  });

  it("an Idempotency-Key enqueues once; two workers share a burst and send each message exactly once", async () => {
    const m = await grantFor(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    const a = await enqueueOutbound(m.ctx, msg({ to: [`admin@${F.domain}`], subject: "Once" }), {
      createdVia: "test",
      idempotencyKey: "k-1",
    });
    const b = await enqueueOutbound(m.ctx, msg({ to: [`admin@${F.domain}`], subject: "Once" }), {
      createdVia: "test",
      idempotencyKey: "k-1",
    });
    expect(b).toMatchObject({ replayed: true, message: { id: a.message.id } });
    for (let i = 0; i < 9; i++)
      await enqueueOutbound(m.ctx, msg({ to: [`admin@${F.domain}`], subject: `Burst ${i}` }), { createdVia: "test" });
    const [n1, n2] = await Promise.all([drain("w1"), drain("w2")]);
    expect(n1 + n2).toBe(10);
    expect(await db().outboundMessage.count({ where: { mailboxId: m.ctx.mailboxId, status: "sent", attempts: 1 } })).toBe(10);
    const got = await lastInboxMessages(env.sb, `admin@${F.domain}`, F.clientId, 12);
    const ids = got.map((s) => s.match(/^Message-ID: (.+?)\r?$/m)?.[1]).filter(Boolean);
    const mine = await db().outboundMessage.findMany({ where: { mailboxId: m.ctx.mailboxId }, select: { internetMessageId: true } });
    for (const x of mine) expect(ids.filter((i) => i === x.internetMessageId)).toHaveLength(1);
  });

  it("a dead worker's claim expires and another worker sends the message", async () => {
    const m = await grantFor(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    const { message } = await enqueueOutbound(m.ctx, msg({ to: [`bob@${F.domain}`], subject: "Orphan" }), { createdVia: "test" });
    const dead = await claimOutbound("dead-worker", { limit: 100 });
    expect(dead.map((d) => d.id)).toContain(message.id);
    expect((await claimOutbound("w2", { limit: 100 })).map((d) => d.id)).not.toContain(message.id);
    const later = await claimOutbound("w2", { limit: 100, now: new Date(Date.now() + CLAIM_MS + 1000) });
    expect(later.map((d) => d.id)).toContain(message.id);
  });

  it("a permanent failure fails with its diagnosis; once fixed, Retry sends it", async () => {
    const m = await grantFor(env.sb, `helpdesk@${C.domain}`, { scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    const { message } = await enqueueOutbound(m.ctx, msg({ to: [`bob@${C.domain}`], subject: "Blocked" }), { createdVia: "test" });
    await drain();
    expect(await status(message.id)).toMatchObject({ status: "failed", lastErrorCode: "smtp_auth_disabled" });
    const ev = await db().event.findFirstOrThrow({ where: { mailboxId: m.ctx.mailboxId, code: "outbound_failed" } });
    expect(ev.level).toBe("error");
    await env.sb.admin("PATCH", `/admin/tenants/${C.domain}`, { smtpAuthDisabled: false });
    try {
      expect(await retryAllFailed(m.ctx)).toBe(1);
      await drain();
      expect((await status(message.id)).status).toBe("sent");
    } finally {
      await env.sb.admin("PATCH", `/admin/tenants/${C.domain}`, { smtpAuthDisabled: true });
    }
  });

  it("mail for a mailbox that needs re-consent is held, not failed, and goes once it is connected", async () => {
    const m = await grantFor(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { state: "needs_reconsent" } });
    const { message } = await enqueueOutbound(m.ctx, msg({ to: [`bob@${F.domain}`], subject: "Held" }), { createdVia: "test" });
    expect((await claimOutbound("w1", { limit: 100 })).map((c) => c.id)).not.toContain(message.id);
    expect((await status(message.id)).status).toBe("queued");
    await db().mailbox.update({ where: { id: m.ctx.mailboxId }, data: { state: "connected" } });
    await drain();
    expect((await status(message.id)).status).toBe("sent");
  });

  it("refuses a mailbox with no outbound protocol, or another tenant's mailbox", async () => {
    const m = await grantFor(env.sb, `helpdesk@${F.domain}`, { tenant: F, mailbox: { outbound: "none" } });
    await expect(enqueueOutbound(m.ctx, msg({ to: ["a@b.com"] }), { createdVia: "test" })).rejects.toMatchObject({ status: 400 });
    const other = await grantFor(env.sb, `it@${F.domain}`, { tenant: F });
    await expect(
      enqueueOutbound({ ...m.ctx, mailboxId: other.ctx.mailboxId }, msg({ to: ["a@b.com"] }), { createdVia: "test" }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
