import "server-only";
// The connection test that runs after Connect and from "Test connection": a token for each
// protocol the mailbox uses, then a real sign-in over that protocol (IMAP/POP XOAUTH2 with the
// folder opened, SMTP AUTH XOAUTH2, a Graph read of the folder). Each step's failure is classified
// into a catalogued diagnosis, and the outcome is kept as an event the mailbox page shows.
import { db } from "../db/client";
import { hostsFor } from "../microsoft/hosts-for";
import type { THostPort } from "../microsoft/clouds";
import { graphClient, graphFailure } from "../mail/graph";
import { closeImap, imapClient, imapFailure, imapReplyOf, imapSignInFailure, imapTokenExpired } from "../mail/imap";
import { openPop3, popFailure, type Pop3Client } from "../mail/pop3";
import { smtpFailure, smtpTransport } from "../mail/smtp";
import { smtpAuthUser } from "../microsoft/xoauth2";
import { newTestMailTag, TEST_MAIL_HEADER } from "../mail/test-mail";
import { redact, type TMicrosoftFailure } from "../microsoft/parse-error";
import { classify, diagnosisFromCatalog, type TDiagnosis, type TDirectoryEvidence } from "../diagnostics/classify";
import { isTokenRejection } from "../diagnostics/token-rejection";
import type { TDiagnosisCode } from "../diagnostics/catalog";
import { markTestOutcome } from "../mailboxes/mailbox-state";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { notFound } from "../core/errors";
import { TokenError, type TRefresher } from "../grants/get-access-token";
import { appOpensOtherMailbox, mailboxResource, mailboxToken } from "../grants/mailbox-token";
import { isAppOnlyProfile } from "../microsoft/scope-profiles";
import { withMailboxTrace } from "../trace/mailbox-trace";
import { sharedMailboxEvidence } from "./shared-mailbox-evidence";

export type TTestStep = {
  step: "token" | "inbound" | "outbound";
  protocol: "imap" | "pop" | "graph" | "smtp";
  ok: boolean;
  detail: string;
  ms: number;
  diagnosis?: TDiagnosis;
};
export type TConnectionTest = { ok: boolean; at: string; steps: TTestStep[] };
type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };

const TIMEOUT_MS = 15_000;

type TTestOpts = { refresher?: TRefresher; actor?: TAuditActor };

/** `actor`: the person who asked for the test ("Test connection"), audited with its outcome in the
 *  transaction that records it; without one (after Connect, in tests) nothing is audited. Traced
 *  while the mailbox's trace switch is on (lib/trace). */
export function testMailboxConnection(ctx: TCtx, opts: TTestOpts = {}): Promise<TConnectionTest> {
  return withMailboxTrace(ctx, "test", () => runConnectionTest(ctx, opts));
}

async function runConnectionTest(ctx: TCtx, opts: TTestOpts): Promise<TConnectionTest> {
  const mb = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: {
      address: true,
      kind: true,
      delegateUpn: true,
      inbound: true,
      outbound: true,
      folder: true,
      state: true,
      stateCode: true,
      tenant: { select: { cloud: true } },
      signInName: true,
      grant: { select: { upn: true, scopes: true, createdAt: true } },
      appRegistration: { select: { id: true, scopeProfile: true } },
    },
  });
  if (!mb) throw notFound("Mailbox");
  // An app-only mailbox has no grant: its token is the app's own (mailboxToken picks it).
  const appOnlyAppId = mb.appRegistration && isAppOnlyProfile(mb.appRegistration.scopeProfile) ? mb.appRegistration.id : null;
  const hasTokenSource = !!mb.grant || !!appOnlyAppId;
  const hosts = hostsFor(mb.tenant.cloud);
  const evidence: TDirectoryEvidence = {
    expectedUser: mb.address,
    tokenUpn: mb.grant?.upn,
    signInName: mb.signInName ?? undefined,
    mailboxKind: mb.kind,
    delegateUpn: mb.delegateUpn ?? undefined,
  };
  const steps: TTestStep[] = [];
  const plan: { step: "inbound" | "outbound"; protocol: "imap" | "pop" | "graph" | "smtp" }[] = [];
  if (mb.inbound !== "none") plan.push({ step: "inbound", protocol: mb.inbound });
  if (mb.outbound !== "none") plan.push({ step: "outbound", protocol: mb.outbound });

  if (!hasTokenSource) {
    steps.push({
      step: "token",
      protocol: plan[0]?.protocol ?? "imap",
      ok: false,
      ms: 0,
      detail: "The mailbox isn't connected yet.",
      diagnosis: diagnosisFromCatalog("consent_missing", "No grant: connect the mailbox first."),
    });
  }
  const tokens = new Map<string, string | null>();
  for (const p of hasTokenSource ? plan : []) {
    const { resource } = mailboxResource(mb.tenant.cloud, p.protocol);
    if (tokens.has(resource)) continue;
    tokens.set(resource, null);
    const t0 = Date.now();
    try {
      const r = await mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, p.protocol, { refresher: opts.refresher });
      tokens.set(resource, r.accessToken);
      if (r.appOnly && appOnlyAppId) {
        const prev = evidence.appOnly;
        evidence.appOnly = {
          ...r.appOnly,
          roles: [...new Set([...(prev?.roles ?? []), ...r.appOnly.roles])],
          opensOtherMailbox: prev?.opensOtherMailbox ?? (await appOpensOtherMailbox(ctx, appOnlyAppId)),
        };
      }
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      steps.push({
        step: "token",
        protocol: p.protocol,
        ok: false,
        ms: Date.now() - t0,
        detail: err.message,
        diagnosis: diagnosisFromCatalog(err.code as TDiagnosisCode, redact(err.message)),
      });
    }
  }

  const failures = new Map<TTestStep, TMicrosoftFailure>();
  for (const p of plan) {
    const token = tokens.get(mailboxResource(mb.tenant.cloud, p.protocol).resource);
    if (!token) continue;
    const t0 = Date.now();
    // A shared mailbox's send check really sends (as the shared address, to its delegate): only
    // a message proves SendAs, which Exchange judges after DATA.
    const sendAsTo = mb.kind === "shared" && p.step === "outbound" ? (mb.grant?.upn ?? mb.delegateUpn ?? null) : null;
    const run = (token: string) =>
      p.protocol === "imap"
        ? imapCheck(hosts.imap, mb.address, token, mb.folder, async () => {
            const r = await mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, "imap", { refresher: opts.refresher, forceRefresh: true });
            tokens.set(r.resource, r.accessToken); // the later steps on this resource (SMTP) use it too
            return r.accessToken;
          })
        : p.protocol === "pop"
          ? popCheck(hosts.pop, mb.address, token)
          : p.protocol === "smtp"
            ? smtpCheck(hosts.smtp, smtpAuthUser(mb), mb.address, token, sendAsTo)
            : p.step === "outbound"
              ? graphSendCheck(hosts.graphUrl, mb.address, token, sendAsTo)
              : graphCheck(hosts.graphUrl, mb.address, token, mb.folder);
    let r = await run(token);
    if (!r.ok && isTokenRejection(r.failure)) {
      // The protocol refused the token without a reason: one forced refresh names the real cause
      // (revoked, password reset, MFA or Conditional Access, consent removed) or gives a token
      // that works, and the check runs again with it.
      try {
        const fresh = await mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, p.protocol, { refresher: opts.refresher, forceRefresh: true });
        tokens.set(fresh.resource, fresh.accessToken);
        r = await run(fresh.accessToken);
      } catch (err) {
        if (!(err instanceof TokenError)) throw err;
        steps.push({
          step: "token",
          protocol: p.protocol,
          ok: false,
          ms: Date.now() - t0,
          detail: err.message,
          diagnosis: diagnosisFromCatalog(err.code as TDiagnosisCode, redact(err.message)),
        });
        continue;
      }
    }
    const step: TTestStep = r.ok
      ? { ...p, ok: true, ms: Date.now() - t0, detail: r.detail }
      : { ...p, ok: false, ms: Date.now() - t0, detail: r.failure.message, diagnosis: classify(r.failure, evidence) };
    if (!r.ok) failures.set(step, r.failure);
    steps.push(step);
  }
  // A shared mailbox's refusals are told apart with what Consentry can find out (who signed in,
  // Graph's read of the mailbox with the delegate's token, the mailbox's history), shown as evidence.
  if (mb.kind === "shared" && failures.size) {
    const shared = await sharedMailboxEvidence(
      ctx,
      mb,
      [...failures.keys()].map((s) => s.protocol),
      { refresher: opts.refresher },
    );
    for (const [step, failure] of failures) step.diagnosis = classify(failure, shared);
  }

  const result: TConnectionTest = { ok: steps.length > 0 && steps.every((s) => s.ok), at: new Date().toISOString(), steps };
  const failed = steps.find((s) => !s.ok);
  // Token failures have already set needs_reconsent or failing through getAccessToken, and stay.
  await db().$transaction(async (tx) => {
    if (hasTokenSource && !steps.some((s) => s.step === "token"))
      await markTestOutcome(tx, ctx, mb, { ok: result.ok, anyOk: steps.some((s) => s.ok), failedCode: failed?.diagnosis?.code });
    await tx.event.create({
      data: {
        workspaceId: ctx.workspaceId,
        tenantId: ctx.tenantId,
        mailboxId: ctx.mailboxId,
        level: result.ok ? "info" : "error",
        code: result.ok ? "connection_test_passed" : "connection_test_failed",
        message: result.ok
          ? `Connection test passed (${steps.map((s) => s.protocol.toUpperCase()).join(", ")}).`
          : `Connection test failed: ${failed?.diagnosis?.title ?? failed?.detail}.`,
        detail: result as object,
      },
    });
    if (opts.actor)
      await writeAudit(tx, opts.actor, {
        action: "mailbox.test_connection",
        targetType: "mailbox",
        targetId: ctx.mailboxId,
        tenantId: ctx.tenantId,
        detail: { ok: result.ok },
      });
  });
  return result;
}

/** The newest connection test of a mailbox, from its events. */
export async function lastConnectionTest(ctx: TCtx): Promise<TConnectionTest | null> {
  const e = await db().event.findFirst({
    where: {
      workspaceId: ctx.workspaceId,
      tenantId: ctx.tenantId,
      mailboxId: ctx.mailboxId,
      code: { in: ["connection_test_passed", "connection_test_failed"] },
    },
    orderBy: { createdAt: "desc" },
    select: { detail: true },
  });
  return (e?.detail as TConnectionTest | undefined) ?? null;
}

type TCheck = Promise<{ ok: true; detail: string } | { ok: false; failure: TMicrosoftFailure }>;

/** `renew`: a fresh token, for a second sign-in when Exchange ended the first session because its
 *  token expired under it (`* BYE Session invalidated - AccessTokenExpired`): that says nothing
 *  about the mailbox, so the test tries again rather than report it. */
async function imapCheck(hp: THostPort, user: string, accessToken: string, folder: string, renew?: () => Promise<string>): TCheck {
  const first = await imapCheckOnce(hp, user, accessToken, folder);
  if (first.ok || !first.tokenExpired || !renew) return first;
  let token: string;
  try {
    token = await renew();
  } catch {
    return first;
  }
  return imapCheckOnce(hp, user, token, folder);
}

async function imapCheckOnce(
  hp: THostPort,
  user: string,
  accessToken: string,
  folder: string,
): Promise<{ ok: true; detail: string } | { ok: false; failure: TMicrosoftFailure; tokenExpired?: boolean }> {
  const client = imapClient({ hosts: { imap: hp }, user, accessToken }, "check");
  let signedIn = false;
  try {
    await client.connect();
    signedIn = true;
    const st = await client.status(folder, { messages: true, unseen: true });
    if (!st)
      return { ok: false, failure: { source: "imap", imapKind: "other", message: `Folder "${folder}" doesn't exist in the mailbox.` } };
    return { ok: true, detail: `Signed in over IMAP; ${folder} holds ${st.messages ?? 0} messages (${st.unseen ?? 0} unread).` };
  } catch (err) {
    const failure = signedIn ? imapFailure(err) : imapSignInFailure(err, client);
    if (imapTokenExpired(err) || imapTokenExpired(client)) return { ok: false, failure, tokenExpired: true };
    // The one reply the test reads itself: the folder it was asked to open is missing.
    if (failure.imapKind === "other" && /Mailbox doesn't exist|NONEXISTENT|not found/i.test(imapReplyOf(err)))
      return { ok: false, failure: { source: "imap", imapKind: "other", message: `Folder "${folder}" doesn't exist in the mailbox.` } };
    return { ok: false, failure };
  } finally {
    await closeImap(client);
  }
}

async function popCheck(hp: THostPort, user: string, accessToken: string): TCheck {
  let client: Pop3Client | null = null;
  try {
    client = await openPop3({ hosts: { pop: hp }, user, accessToken, timeoutMs: TIMEOUT_MS });
    const st = await client.stat();
    await client.quit().catch(() => undefined);
    return { ok: true, detail: `Signed in over POP3; ${st.count} messages waiting.` };
  } catch (err) {
    return { ok: false, failure: popFailure(err) };
  } finally {
    client?.close();
  }
}

// Marked as Consentry's test mail, so a helpdesk reading the delegate's mailbox through Consentry never gets it.
const sendAsMessage = (from: string, to: string) => ({
  subject: `Consentry: sending as ${from} works`,
  text: `Consentry's connection test sent this as ${from} to check the SendAs permission of ${to}. No action needed.`,
  tag: newTestMailTag(),
});

async function smtpCheck(hp: THostPort, user: string, from: string, accessToken: string, sendAsTo: string | null): TCheck {
  const transport = smtpTransport({ hosts: { smtp: hp }, user, accessToken, timeoutMs: TIMEOUT_MS });
  try {
    await transport.verify();
    if (sendAsTo) {
      const m = sendAsMessage(from, sendAsTo);
      await transport.sendMail({ from, to: sendAsTo, subject: m.subject, text: m.text, headers: { [TEST_MAIL_HEADER]: m.tag } });
      return { ok: true, detail: `Sent as ${from} over SMTP (SendAs works; a note went to ${sendAsTo}).` };
    }
    return { ok: true, detail: "Signed in over SMTP (AUTH XOAUTH2 accepted)." };
  } catch (err) {
    return { ok: false, failure: smtpFailure(err) };
  } finally {
    transport.close();
  }
}

async function graphSendCheck(graphUrl: string, address: string, accessToken: string, sendAsTo: string | null): TCheck {
  const client = graphClient(graphUrl, accessToken);
  try {
    if (!sendAsTo) {
      // The mailbox's Sent Items, not the user's profile: GET /users/{id} is a directory read that
      // needs a user permission (User.Read for oneself, User.Read.All app-only) which the mail
      // profiles don't carry; the mail permission that sends also reaches this folder.
      const sent = (await client
        .api(`/users/${encodeURIComponent(address)}/mailFolders/sentitems`)
        .select("displayName")
        .get()) as { displayName?: string };
      return {
        ok: true,
        detail: `Microsoft Graph reaches ${address}'s mailbox (${sent.displayName ?? "Sent Items"}); sendMail will use it.`,
      };
    }
    const m = sendAsMessage(address, sendAsTo);
    await client.api(`/users/${encodeURIComponent(address)}/sendMail`).post({
      message: {
        subject: m.subject,
        body: { contentType: "Text", content: m.text },
        toRecipients: [{ emailAddress: { address: sendAsTo } }],
        internetMessageHeaders: [{ name: TEST_MAIL_HEADER, value: m.tag }],
      },
      saveToSentItems: false,
    });
    return { ok: true, detail: `Sent as ${address} through Microsoft Graph (a note went to ${sendAsTo}).` };
  } catch (err) {
    return { ok: false, failure: graphFailure(err) };
  }
}

async function graphCheck(graphUrl: string, address: string, accessToken: string, folder: string): TCheck {
  const client = graphClient(graphUrl, accessToken);
  try {
    const id = folder.toUpperCase() === "INBOX" ? "inbox" : encodeURIComponent(folder);
    const f = (await client.api(`/users/${encodeURIComponent(address)}/mailFolders/${id}`).get()) as {
      displayName?: string;
      totalItemCount?: number;
      unreadItemCount?: number;
    };
    return {
      ok: true,
      detail: `Read ${f.displayName ?? folder} through Microsoft Graph: ${f.totalItemCount ?? 0} messages (${f.unreadItemCount ?? 0} unread).`,
    };
  } catch (err) {
    return { ok: false, failure: graphFailure(err) };
  }
}
