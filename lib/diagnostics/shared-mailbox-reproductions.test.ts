// Reproductions of the shared-mailbox diagnoses (issue 12 §1), each against the sandbox over real
// sockets: the sandbox is switched into the state (permissions, location, size) through its admin
// API, the real connection test runs, and the diagnosis must be the specific one, with the
// evidence Consentry used. The catalog-wide reproduction table links here for these codes.
import { describe, expect, it } from "vitest";
import { SEED } from "../../sandbox/directory/seed";
import { mailboxWithSandboxGrant, IMAP_SCOPE, OUTLOOK, sandboxForFile } from "../../testing/sandbox-grant";
import { testMailboxConnection } from "../checks/connection-test";
import { db } from "../db/client";
import { failureFromImapReply } from "../mail/imap";
import { failureFromSmtpReply } from "../mail/smtp";
import { failureFromGraphResponse } from "../microsoft/parse-error";
import { classify } from "./classify";

const SMTP_SCOPE = `${OUTLOOK}/SMTP.Send`;
const POP_SCOPE = `${OUTLOOK}/POP.AccessAsUser.All`;
const GRAPH_SHARED = ["https://graph.microsoft.com/Mail.ReadWrite.Shared", "https://graph.microsoft.com/Mail.Send.Shared"];
const F = SEED.fabrikam;
const SHARED = `support@${F.domain}`;
const DELEGATE = `it@${F.domain}`;
const env = sandboxForFile();

const codes = (r: Awaited<ReturnType<typeof testMailboxConnection>>) =>
  r.steps.map((s) => `${s.protocol}:${s.ok ? "ok" : s.diagnosis?.code}`);
const facts = (r: Awaited<ReturnType<typeof testMailboxConnection>>, i: number) => (r.steps[i].diagnosis?.evidence.facts ?? []).join("\n");
const patchShared = (body: Record<string, unknown>) => env.sb.admin("PATCH", `/admin/shared-mailboxes/${SHARED}`, body);
const restore = () => patchShared({ fullAccess: [DELEGATE], sendAs: [DELEGATE], overSizeLimit: false, onPremises: false });
const delegateBox = (over: Record<string, unknown> = {}) => ({ kind: "shared" as const, delegateUpn: DELEGATE, ...over });

describe("shared-mailbox diagnoses, reproduced against the sandbox", { timeout: 90_000 }, () => {
  it("Graph send-as refusal (ErrorSendAsDenied) is diagnosed as SendAs, not FullAccess", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: GRAPH_SHARED,
      mailbox: delegateBox({ inbound: "graph", outbound: "graph" }),
    });
    expect(codes(await testMailboxConnection(m.ctx))).toEqual(["graph:ok", "graph:ok"]);
    await patchShared({ sendAs: [] });
    try {
      const r = await testMailboxConnection(m.ctx);
      expect(codes(r)).toEqual(["graph:ok", "graph:delegate_lacks_send_as"]);
      expect(r.steps[1].detail).toContain("does not have the right to send mail on behalf of the specified sending account");
      const fix = r.steps[1].diagnosis!.fixSteps.join(" ");
      expect(fix).toContain("Add-RecipientPermission -Identity <shared> -Trustee <delegate> -AccessRights SendAs");
      expect(fix).not.toContain("FullAccess");
    } finally {
      await restore();
    }
  });

  it("SMTP SendAs refusals (554 5.2.252 and, on older tenants, 550 5.7.60) are diagnosed as SendAs", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: [IMAP_SCOPE, SMTP_SCOPE],
      mailbox: delegateBox(),
    });
    await patchShared({ sendAs: [] });
    try {
      const r = await testMailboxConnection(m.ctx);
      expect(codes(r)).toEqual(["imap:ok", "smtp:delegate_lacks_send_as"]);
      expect(r.steps[1].detail).toContain("554 5.2.252 SendAsDenied");
      await env.sb.admin("PATCH", `/admin/tenants/${F.id}`, { sendAsDeniedReply: "5.7.60" });
      const older = await testMailboxConnection(m.ctx);
      expect(codes(older)).toEqual(["imap:ok", "smtp:delegate_lacks_send_as"]);
      expect(older.steps[1].detail).toContain("550 5.7.60");
    } finally {
      await env.sb.admin("PATCH", `/admin/tenants/${F.id}`, { sendAsDeniedReply: "5.2.252" });
      await restore();
    }
  });

  it('FullAccess removed: IMAP\'s "authenticated but not connected" is diagnosed as FullAccess, with the history and the sign-in as evidence', async () => {
    const m = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: [IMAP_SCOPE],
      mailbox: delegateBox({ outbound: "none" }),
    });
    expect(codes(await testMailboxConnection(m.ctx))).toEqual(["imap:ok"]);
    await patchShared({ fullAccess: [] });
    try {
      const r = await testMailboxConnection(m.ctx);
      expect(codes(r)).toEqual(["imap:delegate_lacks_full_access"]);
      expect(r.steps[0].detail).toMatch(/not connected/i);
      const ev = facts(r, 0);
      expect(ev).toContain(`Signed in as ${DELEGATE}, the delegate on file`);
      expect(ev).toMatch(/IMAP worked on .* with the same sign-in/);
      expect(ev).toContain("no Microsoft Graph permission to read shared mailboxes");
      expect(r.steps[0].diagnosis!.fixSteps.join(" ")).toContain(
        `Add-MailboxPermission -Identity <shared> -User <delegate> -AccessRights FullAccess -InheritanceType All`,
      );
      // The mailbox shows it as its state, and a later sync says the same.
      expect(await db().mailbox.findUniqueOrThrow({ where: { id: m.ctx.mailboxId }, select: { stateCode: true } })).toEqual({
        stateCode: "delegate_lacks_full_access",
      });
    } finally {
      await restore();
    }
  });

  it("FullAccess removed: Microsoft Graph's ErrorAccessDenied on the shared mailbox is diagnosed as FullAccess", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: GRAPH_SHARED,
      mailbox: delegateBox({ inbound: "graph", outbound: "none" }),
    });
    await patchShared({ fullAccess: [] });
    try {
      const r = await testMailboxConnection(m.ctx);
      expect(codes(r)).toEqual(["graph:delegate_lacks_full_access"]);
      expect(r.steps[0].detail).toContain("Access is denied");
    } finally {
      await restore();
    }
    // Without the .Shared scopes the same 403 is the app's permissions, not the mailbox's.
    const noShared = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: ["https://graph.microsoft.com/Mail.ReadWrite"],
      mailbox: delegateBox({ inbound: "graph", outbound: "none" }),
    });
    expect(codes(await testMailboxConnection(noShared.ctx))).toEqual(["graph:graph_access_denied"]);
  });

  it("with Graph's .Shared scopes on the grant, IMAP's refusal is told apart by reading the mailbox through Graph", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: [IMAP_SCOPE, ...GRAPH_SHARED],
      mailbox: delegateBox({ outbound: "none" }),
    });
    await patchShared({ fullAccess: [] });
    try {
      const r = await testMailboxConnection(m.ctx);
      expect(codes(r)).toEqual(["imap:delegate_lacks_full_access"]);
      expect(facts(r, 0)).toContain("answered ErrorAccessDenied: no FullAccess");
      await patchShared({ fullAccess: [DELEGATE], onPremises: true });
      const onPrem = await testMailboxConnection(m.ctx);
      expect(codes(onPrem)).toEqual(["imap:shared_mailbox_not_in_exchange_online"]);
      expect(facts(onPrem, 0)).toContain("MailboxNotEnabledForRESTAPI");
    } finally {
      await restore();
    }
  });

  it("POP refuses a delegate without FullAccess at AUTH; with the POP scope on the delegate's grant it is FullAccess", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: [POP_SCOPE],
      mailbox: delegateBox({ inbound: "pop", outbound: "none" }),
    });
    expect(codes(await testMailboxConnection(m.ctx))).toEqual(["pop:ok"]);
    await patchShared({ fullAccess: [] });
    try {
      expect(codes(await testMailboxConnection(m.ctx))).toEqual(["pop:delegate_lacks_full_access"]);
    } finally {
      await restore();
    }
  });

  it("a shared mailbox on-premises (hybrid) is MailboxNotEnabledForRESTAPI on Graph: not in Exchange Online", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: GRAPH_SHARED,
      mailbox: delegateBox({ inbound: "graph", outbound: "none" }),
    });
    await patchShared({ onPremises: true });
    try {
      const r = await testMailboxConnection(m.ctx);
      expect(codes(r)).toEqual(["graph:shared_mailbox_not_in_exchange_online"]);
      expect(r.steps[0].detail).toContain("hosted on-premise");
    } finally {
      await restore();
    }
  });

  it("a shared mailbox unlicensed past 50 GB can't send (Graph ErrorQuotaExceeded): over its size limit", async () => {
    const m = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: DELEGATE,
      scopes: GRAPH_SHARED,
      mailbox: delegateBox({ inbound: "graph", outbound: "graph" }),
    });
    await patchShared({ overSizeLimit: true });
    try {
      const r = await testMailboxConnection(m.ctx);
      expect(codes(r)).toEqual(["graph:ok", "graph:shared_mailbox_over_size_limit"]);
      expect(r.steps[1].detail).toContain("Mailbox has exceeded maximum mailbox size.");
    } finally {
      await restore();
    }
  });

  it("another person signed in for the shared mailbox: the wrong user, with who signed in and who was expected", async () => {
    const other = await mailboxWithSandboxGrant(env.sb, SHARED, {
      tenant: F,
      signedIn: `bob@${F.domain}`,
      mailbox: delegateBox({ outbound: "none" }),
    });
    const w = await testMailboxConnection(other.ctx);
    expect(codes(w)).toEqual(["imap:wrong_user_signed_in"]);
    expect(facts(w, 0)).toContain(`but the delegate on file is ${DELEGATE}`);
  });
});

// What the sandbox can't produce (a shared mailbox's own account signing in, SMTP's quota reply),
// from the replies Microsoft documents.
describe("shared-mailbox diagnoses from Microsoft's documented replies", () => {
  const shared = { expectedUser: SHARED, delegateUpn: DELEGATE, mailboxKind: "shared" as const };
  it("the shared mailbox's own account signed in: Exchange won't open it for that account", () => {
    const notConnected = failureFromImapReply("A2 BAD User is authenticated but not connected.");
    expect(classify(notConnected, { ...shared, tokenUpn: SHARED.toUpperCase() }).code).toBe("shared_address_misused");
    expect(classify(notConnected, { ...shared, tokenUpn: DELEGATE, graphRead: "ok" }).code).toBe("mailbox_unlicensed_or_imap_disabled");
  });
  it("SMTP's mailbox-full reply (554 5.2.2 … QuotaExceededException) is the mailbox full, or for a shared one its 50 GB limit", () => {
    // https://learn.microsoft.com/exchange/troubleshoot/send-emails/smtp-submission-improvements
    const full = failureFromSmtpReply(
      "554 5.2.2 mailbox full; STOREDRV.Submission.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded",
    );
    expect(classify(full).code).toBe("mailbox_full");
    expect(classify(full, { ...shared, tokenUpn: DELEGATE }).code).toBe("shared_mailbox_over_size_limit");
  });
  it("Graph's MailboxNotEnabledForRESTAPI on a shared mailbox is a mailbox outside Exchange Online", () => {
    const f = failureFromGraphResponse(404, {
      error: { code: "MailboxNotEnabledForRESTAPI", message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise." },
    });
    expect(classify(f).code).toBe("graph_mailbox_not_enabled");
    expect(classify(f, { ...shared, tokenUpn: DELEGATE }).code).toBe("shared_mailbox_not_in_exchange_online");
  });
});
