// Integration (real PostgreSQL + sandbox): the app-only checklist's live checks against the seeded
// Northwind daemon (IMAP/POP/SMTP AccessAsApp consented, service principal registered, FullAccess on
// support@, RBAC for Applications scoped to support@ and helpdesk@).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { SEED } from "../../sandbox/directory/seed";
import { servicePrincipalObjectId } from "../../sandbox/directory/exchange-rbac";
import { appOnlyWorkspace, sandboxForFile } from "../../testing/sandbox-grant";
import { buildSupportBundle, ZBundleQuery } from "../support/support-bundle";
import { getAppOnlyChecklist, runAppOnlyCheck } from "./app-only-checklist";

const N = SEED.northwind;
const DM = SEED.northwindDaemon;
const SP = servicePrincipalObjectId(N.id, DM.clientId);
const env = sandboxForFile();
const actorOf = (ref: { workspaceId: string }) => ({ workspaceId: ref.workspaceId, email: "tech@msp.test" });

async function pendingMailbox(
  profile: "exchange_app_only" | "graph_app_only",
  address: string,
  io: { inbound: "imap" | "graph"; outbound: "smtp" | "graph" | "none" },
) {
  return (await appOnlyWorkspace(profile)).mailbox(address, { ...io, state: "pending_consent" });
}

describe("app-only checklist", { timeout: 90_000 }, () => {
  it("IMAP/POP/SMTP: consent roles, Exchange access and the connection test pass live; the mailbox connects", async () => {
    const ref = await pendingMailbox("exchange_app_only", `support@${N.domain}`, { inbound: "imap", outbound: "smtp" });
    const before = await getAppOnlyChecklist(ref);
    expect(before.steps.map((s) => [s.id, s.result])).toEqual([
      ["consent", null],
      ["exchange", null],
      ["connection", null],
    ]);
    expect(before.requiredRoles).toEqual(["IMAP.AccessAsApp", "SMTP.SendAsApp"]);
    expect(before.spObjectId).toBeNull(); // known from the token's oid once step 1 ran

    const c1 = await runAppOnlyCheck(ref, "consent", { actor: actorOf(ref) });
    expect(c1.steps[0].result).toMatchObject({ ok: true });
    expect(c1.spObjectId).toBe(SP);
    expect(c1.powershell.register[0].command).toBe(`New-ServicePrincipal -AppId ${DM.clientId} -ObjectId ${SP}`);
    expect(c1.powershell.mailboxPermission[0].command).toBe(
      `Add-MailboxPermission -Identity support@${N.domain} -User ${SP} -AccessRights FullAccess`,
    );
    expect(JSON.stringify(c1)).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/); // never a token

    const c2 = await runAppOnlyCheck(ref, "connection", { actor: actorOf(ref) });
    expect(c2.steps.map((s) => [s.id, s.result?.ok])).toEqual([
      ["consent", true],
      ["exchange", true],
      ["connection", true],
    ]);
    expect(c2.allOk).toBe(true);
    expect(await db().mailbox.findUniqueOrThrow({ where: { id: ref.mailboxId }, select: { state: true } })).toEqual({ state: "connected" });
    // Stored: a fresh read shows the same results.
    expect((await getAppOnlyChecklist(ref)).allOk).toBe(true);
    // The support bundle covers it: the app token's roles and service principal, the checklist, no token.
    const scope = { workspaceId: ref.workspaceId, hasAllTenants: true, tenantIds: [], email: "tech@msp.test", staffUserId: randomUUID() };
    const json = await buildSupportBundle(scope, ZBundleQuery.parse({ mailboxId: ref.mailboxId }));
    expect(json).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);
    expect(json).not.toContain(DM.secret);
    const mb = JSON.parse(json).tenants[0].mailboxes[0];
    expect(mb.appOnly.tokens.map((t: { servicePrincipalObjectId: string }) => t.servicePrincipalObjectId)).toContain(SP);
    expect(mb.appOnly.checklist.connection.ok).toBe(true);
  });

  it("a mailbox Exchange doesn't open for the app: the Exchange step fails with the filled-in fix", async () => {
    const ref = await pendingMailbox("exchange_app_only", `helpdesk@${N.domain}`, { inbound: "imap", outbound: "none" });
    await runAppOnlyCheck(ref, "consent", { actor: actorOf(ref) });
    const c = await runAppOnlyCheck(ref, "exchange", { actor: actorOf(ref) });
    const ex = c.steps.find((s) => s.id === "exchange")!.result!;
    expect(ex.ok).toBe(false);
    expect(ex.diagnosis?.code).toBe("app_only_sp_not_registered");
    expect(ex.diagnosis?.fixSteps.join("\n")).toContain(`New-ServicePrincipal -AppId ${DM.clientId} -ObjectId ${SP}`);
    expect(await db().mailbox.findUniqueOrThrow({ where: { id: ref.mailboxId }, select: { state: true } })).toEqual({
      state: "pending_consent",
    });
  });

  it("Graph: reads its mailbox and proves the scope against one outside it; a mailbox inside the scope as 'outside' fails", async () => {
    const ref = await pendingMailbox("graph_app_only", `helpdesk@${N.domain}`, { inbound: "graph", outbound: "graph" });
    const c1 = await runAppOnlyCheck(ref, "graph_scope", { actor: actorOf(ref) });
    expect(c1.steps.find((s) => s.id === "graph_scope")!.result).toMatchObject({
      ok: true,
      warning: expect.stringMatching(/Not proven scoped/),
    });
    const c2 = await runAppOnlyCheck(ref, "graph_scope", { actor: actorOf(ref), outsideAddress: `bob@${N.domain}` });
    expect(c2.steps.find((s) => s.id === "graph_scope")!.result).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/its scope holds/),
    });
    expect(c2.outsideAddress).toBe(`bob@${N.domain}`);
    const c3 = await runAppOnlyCheck(ref, "graph_scope", { actor: actorOf(ref), outsideAddress: `support@${N.domain}` });
    expect(c3.steps.find((s) => s.id === "graph_scope")!.result).toMatchObject({ ok: false, detail: expect.stringMatching(/also reads/) });
    // The RBAC commands name the Graph roles this mailbox needs.
    expect(c3.powershell.rbac.map((x) => x.command)).toContain(
      `New-ManagementRoleAssignment -App ${c3.spObjectId ?? SP} -Role "Application Mail.Send" -CustomResourceScope "Consentry mailboxes"`,
    );
  });

  it("an Entra consent for Graph Mail.Read is flagged: tenant-wide, and a scope doesn't narrow it", async () => {
    const ref = await pendingMailbox("graph_app_only", `helpdesk@${N.domain}`, { inbound: "graph", outbound: "none" });
    await env.sb.admin("PATCH", `/admin/apps/${DM.clientId}`, {
      application: [
        "https://outlook.office.com/IMAP.AccessAsApp",
        "https://outlook.office.com/POP.AccessAsApp",
        "https://outlook.office.com/SMTP.SendAsApp",
        "https://graph.microsoft.com/Mail.Read",
      ],
    });
    await env.sb.admin("POST", `/admin/tenants/${N.id}/consents`, {
      clientId: DM.clientId,
      roles: ["https://graph.microsoft.com/Mail.Read"],
    });
    const c = await runAppOnlyCheck(ref, "consent", { actor: actorOf(ref) });
    expect(c.steps[0].result).toMatchObject({ ok: true, warning: expect.stringMatching(/EVERY mailbox/) });
    const g = await runAppOnlyCheck(ref, "graph_scope", { actor: actorOf(ref), outsideAddress: `bob@${N.domain}` });
    expect(g.steps.find((s) => s.id === "graph_scope")!.result).toMatchObject({ ok: false, detail: expect.stringMatching(/Mail\.Read/) });
  });
});
