// Integration: consent links emailed through a notifier mailbox over real SMTP (XOAUTH2) and
// Graph sendMail into the sandbox, read back over IMAP by the recipient.
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { HttpError } from "../core/errors";
import { SEED } from "../../sandbox/directory/seed";
import { IMAP_SCOPE, mailboxWithSandboxGrant, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { createMailboxConsentLink } from "../consent/consent-links";
import { openImap } from "../mail/imap";
import { emailConsentLink, requireNotifier, setNotifier } from "./notifier";

const F = SEED.fabrikam;
const env = sandboxForFile();

async function newestMessage(upn: string): Promise<string> {
  const tok = await env.sb.admin("POST", "/admin/tokens", { upn, clientId: F.clientId, scopes: [IMAP_SCOPE] });
  const client = await openImap({
    hosts: { imap: { host: "localhost", port: env.sb.ports.imap } },
    user: upn,
    accessToken: tok.body.access_token,
  });
  try {
    const lock = await client.getMailboxLock("INBOX");
    try {
      const last = await client.fetchOne("*", { source: true });
      return last ? last.source!.toString("utf8") : "";
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe("emailing consent links", { timeout: 60_000 }, () => {
  it("sends the link from the notifier mailbox over SMTP; the recipient reads it over IMAP", async () => {
    const n = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F, scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`] });
    const actor = { workspaceId: n.ctx.workspaceId, email: "tech@msp.test" };
    // Nothing set yet: a field error, before any link exists.
    await expect(requireNotifier(n.ctx)).rejects.toMatchObject({
      status: 400,
      fields: { emailTo: expect.stringContaining("Settings → Notifications") },
    });
    await setNotifier({ scope: n.scope, actor, mailboxId: n.ctx.mailboxId });

    const bob = await db().mailbox.create({
      data: { workspaceId: n.ctx.workspaceId, tenantId: n.ctx.tenantId, appRegistrationId: n.appId, address: `bob@${F.domain}` },
    });
    const link = await createMailboxConsentLink({ workspaceId: n.ctx.workspaceId, tenantId: n.ctx.tenantId, mailboxId: bob.id, actor });
    const sent = await emailConsentLink({
      workspaceId: n.ctx.workspaceId,
      actor,
      to: `bob@${F.domain}`,
      link,
      kind: "user",
      tenantId: n.ctx.tenantId,
      appRegistrationId: n.appId,
      mailboxAddress: bob.address,
      signInAs: link.signInAs,
    });
    expect(sent).toEqual({ ok: true, to: `bob@${F.domain}`, from: `helpdesk@${F.domain}` });
    const raw = await newestMessage(`bob@${F.domain}`);
    expect(raw).toMatch(/^From: .*helpdesk@fabrikam\.onmicrosoft\.com/m);
    expect(raw).toContain("Action needed: connect bob@fabrikam.onmicrosoft.com");
    expect(raw.replace(/=\r?\n/g, "")).toContain(link.url);
    expect(raw).toContain("IMAP.AccessAsUser.All");
    expect(raw).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\./);
  });

  it("a Graph notifier sends through sendMail; a notifier with SMTP AUTH off returns 5.7.139's diagnosis", async () => {
    const g = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, {
      tenant: F,
      scopes: ["https://graph.microsoft.com/Mail.Send"],
      mailbox: { inbound: "none", outbound: "graph" },
    });
    const actor = { workspaceId: g.ctx.workspaceId, email: "tech@msp.test" };
    await setNotifier({ scope: g.scope, actor, mailboxId: g.ctx.mailboxId });
    const link = { url: "https://consentry.test/consent/x", expiresAt: new Date(Date.now() + 86_400_000) };
    expect(
      await emailConsentLink({
        workspaceId: g.ctx.workspaceId,
        actor,
        to: `admin@${F.domain}`,
        link,
        kind: "admin",
        tenantId: g.ctx.tenantId,
        appRegistrationId: g.appId,
      }),
    ).toMatchObject({ ok: true, from: `it@${F.domain}` });
    const raw = await newestMessage(`admin@${F.domain}`);
    expect(raw).toContain("Action needed: approve");
    expect(raw.replace(/=\r?\n/g, "")).toContain(link.url);

    const c = await mailboxWithSandboxGrant(env.sb, `helpdesk@${SEED.contoso.domain}`, { scopes: [`${OUTLOOK}/SMTP.Send`] });
    const cActor = { workspaceId: c.ctx.workspaceId, email: "tech@msp.test" };
    await setNotifier({ scope: c.scope, actor: cActor, mailboxId: c.ctx.mailboxId });
    const failed = await emailConsentLink({
      workspaceId: c.ctx.workspaceId,
      actor: cActor,
      to: `bob@${SEED.contoso.domain}`,
      link,
      kind: "admin",
      tenantId: c.ctx.tenantId,
      appRegistrationId: c.appId,
    });
    expect(failed).toMatchObject({ ok: false, diagnosis: { code: "smtp_auth_disabled" } });
  });

  it("a notifier must be this workspace's connected, sending mailbox", async () => {
    const a = await mailboxWithSandboxGrant(env.sb, `bob@${F.domain}`, { tenant: F });
    const other = await mailboxWithSandboxGrant(env.sb, `it@${F.domain}`, { tenant: F });
    const actor = { workspaceId: a.ctx.workspaceId, email: "tech@msp.test" };
    const err = await setNotifier({ scope: a.scope, actor, mailboxId: other.ctx.mailboxId }).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 404 });
    await db().mailbox.update({ where: { id: a.ctx.mailboxId }, data: { outbound: "none" } });
    await expect(setNotifier({ scope: a.scope, actor, mailboxId: a.ctx.mailboxId })).rejects.toMatchObject({ status: 400 });
  });
});
