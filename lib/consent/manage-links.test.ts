// Integration (real PostgreSQL + sandbox): consent-link management. The list shows a tenant's (or
// one mailbox's) outstanding links with who made them, the chosen expiry and visits, and never a
// used, revoked or expired one; resend makes a new link for the same person and revokes the old;
// another tenant's link answers like a missing one.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, sandboxForFile } from "../../testing/sandbox-grant";
import { auditActor } from "../audit/write-audit";
import { createAdminConsentLink, createMailboxConsentLink, resolveConsentLink, revokeConsentLink } from "./consent-links";
import { listConsentLinks } from "./manage-links";
import { resendConsentLink } from "../notify/deliver-consent-link";
import { startFromLink } from "./start-consent";

const env = sandboxForFile();
const F = SEED.fabrikam;
const DAY = 86_400_000;

describe("consent-link management", { timeout: 90_000 }, () => {
  it("lists outstanding links per tenant and mailbox with creator, expiry and visits; resend replaces; revoke removes", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F });
    const actor = auditActor(m.scope);
    const other = await db().mailbox.create({
      data: { workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, appRegistrationId: m.appId, address: `it@${F.domain}` },
    });
    const a = await createMailboxConsentLink({ ...m.ctx, actor, days: 3 });
    const b = await createMailboxConsentLink({ ...m.ctx, mailboxId: other.id, actor, days: 30 });
    const org = await createAdminConsentLink({ ...m.ctx, appRegistrationId: m.appId, actor });
    const expired = await createMailboxConsentLink({ ...m.ctx, actor });
    await db().consentRequest.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await startFromLink(a.id);

    const all = await listConsentLinks({ workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId });
    expect(all.map((l) => l.id).sort()).toEqual([a.id, b.id, org.id].sort());
    const la = all.find((l) => l.id === a.id)!;
    expect(la).toMatchObject({ kind: "user", mailboxAddress: `helpdesk@${F.domain}`, createdBy: "admin@msp.test", visits: 1 });
    expect(Math.abs(la.expiresAt.getTime() - (Date.now() + 3 * DAY))).toBeLessThan(60_000);
    expect(all.find((l) => l.id === org.id)).toMatchObject({ kind: "admin", mailboxAddress: null, app: { id: m.appId } });
    const one = await listConsentLinks({ ...m.ctx });
    expect(one.map((l) => l.id)).toEqual([a.id]);

    const r = await resendConsentLink(m.scope, { workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, linkId: a.id, days: 14 });
    expect(r.replaced).toBe(a.id);
    expect((await resolveConsentLink(a.url.split("/consent/")[1])).state).toBe("revoked");
    expect((await resolveConsentLink(r.link.url.split("/consent/")[1])).state).toBe("ok");
    // An expired link can be resent too (the usual case); the organization link keeps its app.
    const r2 = await resendConsentLink(m.scope, { workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, linkId: expired.id });
    const r3 = await resendConsentLink(m.scope, { workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, linkId: org.id });
    const after = await listConsentLinks({ workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId });
    expect(after.map((l) => l.id).sort()).toEqual([r.link.id, b.id, r2.link.id, r3.link.id].sort());
    expect(after.find((l) => l.id === r3.link.id)).toMatchObject({ kind: "admin", app: { id: m.appId } });

    await revokeConsentLink({ workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, id: b.id, actor });
    expect((await listConsentLinks({ workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId })).map((l) => l.id)).not.toContain(b.id);
    const audit = await db().auditEntry.findMany({ where: { workspaceId: m.ctx.workspaceId, action: { startsWith: "consent_link." } } });
    expect(audit.filter((x) => x.action === "consent_link.revoke")).toHaveLength(4);
  });

  it("another tenant's or workspace's link answers like a missing one", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `bob@${F.domain}`, { tenant: F });
    const n = await mailboxWithSandboxGrant(env.sb, `admin@${F.domain}`, { tenant: F });
    const link = await createMailboxConsentLink({ ...n.ctx, actor: auditActor(n.scope) });
    for (const ref of [
      { workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, linkId: link.id },
      { workspaceId: m.ctx.workspaceId, tenantId: n.ctx.tenantId, linkId: link.id },
      { workspaceId: m.ctx.workspaceId, tenantId: m.ctx.tenantId, linkId: randomUUID() },
    ])
      await expect(resendConsentLink(m.scope, ref)).rejects.toMatchObject({ status: 404 });
    await expect(listConsentLinks({ workspaceId: m.ctx.workspaceId, tenantId: n.ctx.tenantId })).rejects.toMatchObject({ status: 404 });
    await expect(listConsentLinks({ workspaceId: m.ctx.workspaceId, tenantId: randomUUID() })).rejects.toMatchObject({ status: 404 });
    expect((await resolveConsentLink(link.url.split("/consent/")[1])).state).toBe("ok");
  });
});
