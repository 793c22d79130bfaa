// Integration: the shared-mailbox wizard's state is kept per mailbox and resumes where it stopped;
// Connect moves an unfinished wizard on to its checks; the live checks finish it only when every
// protocol passes. Scoped like every mailbox read: another tenant's ref answers like a missing one.
import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, IMAP_SCOPE, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { db } from "../db/client";
import { getSharedSetup, resumeSetupAfterConnect, saveSharedSetup } from "../mailboxes/shared-setup";
import { runSetupChecks } from "./shared-setup-checks";

const F = SEED.fabrikam;
const env = sandboxForFile();
const actor = (workspaceId: string) => ({ workspaceId, email: "tech@msp.test" });

describe("shared-mailbox setup wizard", { timeout: 60_000 }, () => {
  it("stores each step, resumes after Connect at the checks, and is done once every check passes", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, `support@${F.domain}`, {
      tenant: F,
      signedIn: `it@${F.domain}`,
      scopes: [IMAP_SCOPE, `${OUTLOOK}/SMTP.Send`],
      mailbox: { kind: "shared", delegateUpn: `it@${F.domain}` },
    });
    const before = await getSharedSetup(m.ctx);
    expect(before).toMatchObject({ step: "permissions", started: false });
    expect(before.commands!.fullAccess).toBe(
      `Add-MailboxPermission -Identity "support@${F.domain}" -User "it@${F.domain}" -AccessRights FullAccess -InheritanceType All`,
    );
    expect(before.commands!.sendAs).toBe(
      `Add-RecipientPermission -Identity "support@${F.domain}" -Trustee "it@${F.domain}" -AccessRights SendAs`,
    );
    expect((await saveSharedSetup({ ...m.ctx, actor: actor(m.ctx.workspaceId) }, "sign_in")).step).toBe("sign_in");
    expect(await db().auditEntry.count({ where: { workspaceId: m.ctx.workspaceId, action: "mailbox.shared_setup" } })).toBe(1);
    // Connect brings the browser back to the wizard, now at its checks.
    expect(await resumeSetupAfterConnect(m.ctx)).toBe(`/tenants/${m.ctx.tenantId}/mailboxes/${m.ctx.mailboxId}/setup?connected=1`);
    expect((await getSharedSetup(m.ctx)).step).toBe("checks");

    await env.sb.admin("PATCH", `/admin/shared-mailboxes/support@${F.domain}`, { sendAs: [] });
    try {
      const failed = await runSetupChecks({ ...m.ctx, actor: actor(m.ctx.workspaceId) });
      expect(failed.steps.map((s) => s.diagnosis?.code ?? "ok")).toEqual(["ok", "delegate_lacks_send_as"]);
      expect((await getSharedSetup(m.ctx)).step).toBe("checks");
    } finally {
      await env.sb.admin("PATCH", `/admin/shared-mailboxes/support@${F.domain}`, { sendAs: [`it@${F.domain}`] });
    }
    expect((await runSetupChecks({ ...m.ctx, actor: actor(m.ctx.workspaceId) })).ok).toBe(true);
    expect((await getSharedSetup(m.ctx)).step).toBe("done");
    // A finished wizard doesn't take a later Re-connect back to it.
    expect(await resumeSetupAfterConnect(m.ctx)).toBeNull();
  });

  it("only a shared mailbox has one; another tenant's or workspace's ref answers like a missing mailbox", async () => {
    const user = await mailboxWithSandboxGrant(env.sb, `helpdesk@${F.domain}`, { tenant: F });
    await expect(saveSharedSetup({ ...user.ctx, actor: actor(user.ctx.workspaceId) }, "sign_in")).rejects.toMatchObject({ status: 400 });
    const shared = await mailboxWithSandboxGrant(env.sb, `support@${F.domain}`, {
      tenant: F,
      signedIn: `it@${F.domain}`,
      mailbox: { kind: "shared", delegateUpn: `it@${F.domain}` },
    });
    const foreign = [
      { ...shared.ctx, workspaceId: user.ctx.workspaceId },
      { ...shared.ctx, tenantId: user.ctx.tenantId },
      { ...shared.ctx, mailboxId: randomUUID() },
    ];
    for (const ref of foreign) {
      await expect(getSharedSetup(ref)).rejects.toMatchObject({ status: 404 });
      await expect(saveSharedSetup({ ...ref, actor: actor(ref.workspaceId) }, "done")).rejects.toMatchObject({ status: 404 });
      expect(await resumeSetupAfterConnect(ref)).toBeNull();
    }
    expect(await db().sharedMailboxSetup.count({ where: { mailboxId: shared.ctx.mailboxId } })).toBe(0);
  });
});
