// Integration: staff alert emails go out through the notifier mailbox and the outbound queue, for
// a mailbox that newly needs a person (once, batched, not for passing causes) and for a secret
// crossing an expiry threshold; read back over IMAP in the sandbox.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, lastInboxMessages, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { sendDueOutbound } from "../outbound/send-loop";
import { checkSecretExpiry } from "../apps/secret-expiry-check";
import { sendMailboxAlerts, setAlertSettings, ZAlertSettings } from "./alerts";

const F = SEED.fabrikam;
const env = sandboxForFile();
const BOB = `bob@${F.domain}`;

async function world() {
  const n = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
  const ws = n.ctx.workspaceId;
  alertWorkspaces.push(ws);
  await db().workspace.update({ where: { id: ws }, data: { notifierMailboxId: n.ctx.mailboxId } });
  // Bob is the MSP's owner here: the default recipient, and a sandbox user whose inbox we read.
  const u = await db().staffUser.create({ data: { email: `bob+${randomUUID().slice(0, 6)}@msp.test`, name: "Bob" } });
  await db().membership.create({ data: { workspaceId: ws, staffUserId: u.id, role: "owner", hasAllTenants: true } });
  await setAlertSettings({
    workspaceId: ws,
    actor: { workspaceId: ws, email: "owner@msp.test" },
    scope: { role: "owner", hasAllTenants: true, tenantIds: [] },
    input: ZAlertSettings.parse({ recipients: [BOB], kinds: ["mailbox", "secret"] }),
  });
  const other = await db().mailbox.create({
    data: { workspaceId: ws, tenantId: n.ctx.tenantId, address: `it@${F.domain}`, state: "connected" },
  });
  return { n, ws, other };
}
const alertWorkspaces: string[] = [];
const drainOutbound = async () => {
  for (let i = 0; i < 10 && (await sendDueOutbound("alerts-test", { concurrency: 4, workspaceIds: alertWorkspaces })) > 0; i++);
};

describe("staff alerts", { timeout: 60_000 }, () => {
  it("a mailbox that needs re-consent is alerted once, with the fix and a link; a passing cause is not", async () => {
    const { ws, other, n } = await world();
    await sendMailboxAlerts(); // whatever was pending before
    await db().mailbox.update({ where: { id: other.id }, data: { state: "needs_reconsent", stateCode: "refresh_token_revoked" } });
    expect(await sendMailboxAlerts()).toBeGreaterThanOrEqual(1);
    expect(await sendMailboxAlerts()).toBe(0);
    const queued = await db().outboundMessage.findMany({ where: { workspaceId: ws, createdVia: "alert:mailbox" } });
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      recipients: [BOB],
      subject: `Consentry: it@${F.domain} needs attention`,
      mailboxId: n.ctx.mailboxId,
    });
    await drainOutbound();
    // Quoted-printable wraps long lines with soft breaks.
    const mail = (await lastInboxMessages(env.sb, BOB, F.clientId))[0].replace(/=\r?\n/g, "");
    expect(mail).toContain(`Consentry: it@${F.domain} needs attention`);
    expect(mail).toContain("Access was revoked");
    expect(mail).toContain(`/tenants/${n.ctx.tenantId}/mailboxes/${other.id}`);
    // A throttled mailbox recovers by itself: no alert.
    await db().mailbox.update({ where: { id: other.id }, data: { state: "degraded", stateCode: "imap_throttled" } });
    await sendMailboxAlerts();
    expect(await db().outboundMessage.count({ where: { workspaceId: ws, createdVia: "alert:mailbox" } })).toBe(1);
  });

  it("a secret crossing a threshold is emailed; with the kind off nothing is queued", async () => {
    const { ws, n } = await world();
    const app = await db().appRegistration.findFirstOrThrow({ where: { workspaceId: ws } });
    await db().appSecret.updateMany({ where: { appRegistrationId: app.id }, data: { expiresAt: new Date(Date.now() + 6.5 * 86_400_000) } });
    await checkSecretExpiry();
    const q = await db().outboundMessage.findMany({ where: { workspaceId: ws, createdVia: "alert:secret" } });
    expect(q).toHaveLength(1);
    expect(q[0].subject).toBe(`Consentry: the secret of "App" expires in 7 days`);
    expect(Buffer.from(q[0].rawMime).toString()).toContain("Rotate secret");
    await setAlertSettings({
      workspaceId: ws,
      actor: { workspaceId: ws, email: "owner@msp.test" },
      scope: { role: "owner", hasAllTenants: true, tenantIds: [] },
      input: ZAlertSettings.parse({ recipients: [], kinds: ["secret"] }),
    });
    await db().mailbox.update({ where: { id: n.ctx.mailboxId }, data: { state: "failing", stateCode: "smtp_auth_disabled" } });
    await sendMailboxAlerts();
    expect(await db().outboundMessage.count({ where: { workspaceId: ws, createdVia: "alert:mailbox" } })).toBe(0);
  });
});
