import "server-only";
// "Send test email" (journey 7): sends from the mailbox to a chosen address and, when that address
// is the mailbox itself, watches its folder until the message arrives, so one click proves the
// whole round trip: token, send, receive.
import { randomBytes } from "node:crypto";
import { db } from "../db/client";
import { graphClient, graphFailure } from "../mail/graph";
import { closeImap, imapClient, imapFailure, imapTokenExpired } from "../mail/imap";
import type { TMicrosoftFailure } from "../microsoft/parse-error";
import { classify, diagnosisFromCatalog } from "../diagnostics/classify";
import type { TDiagnosisCode } from "../diagnostics/catalog";
import { sendFromMailbox } from "../outbound/send-from-mailbox";
import { newTestMailTag } from "../mail/test-mail";
import { notFound } from "../core/errors";
import { writeAudit, type TAuditActor } from "../audit/write-audit";
import { TokenError } from "../grants/get-access-token";
import { mailboxToken } from "../grants/mailbox-token";
import type { TConnectionTest, TTestStep } from "./connection-test";
import { withMailboxTrace } from "../trace/mailbox-trace";

type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };
const WAIT_MS = 20_000;
const POLL_MS = 500;

/** `actor`: the person who asked, audited with the outcome in the transaction that records it. */
export function sendTestEmail(ctx: TCtx, to: string, opts: { waitMs?: number; actor?: TAuditActor } = {}): Promise<TConnectionTest> {
  return withMailboxTrace(ctx, "send", () => runTestEmail(ctx, to, opts));
}

async function runTestEmail(ctx: TCtx, to: string, opts: { waitMs?: number; actor?: TAuditActor }): Promise<TConnectionTest> {
  // A mailbox that was never connected has nothing to send with: "not found", as the route answered.
  const mb = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId, grant: { isNot: null } },
    select: { address: true, inbound: true, outbound: true, folder: true, tenant: { select: { cloud: true } } },
  });
  if (!mb) throw notFound("Mailbox");
  const tag = randomBytes(4).toString("hex");
  // Marked as test mail: sync never hands it to a helpdesk, and the read-back removes it.
  const testMailTag = newTestMailTag();
  const subject = `Consentry test email ${tag}`;
  const steps: TTestStep[] = [];
  const outProto = mb.outbound === "graph" ? "graph" : "smtp";

  const t0 = Date.now();
  const sent = await sendFromMailbox(ctx, {
    to,
    subject,
    text: `This is a test email from Consentry, sent as ${mb.address} to ${to}.\n\nTest id: ${tag}`,
    testMailTag,
  });
  steps.push(
    sent.ok
      ? {
          step: "outbound",
          protocol: outProto,
          ok: true,
          ms: Date.now() - t0,
          detail: `Sent as ${sent.from} to ${to} over ${sent.protocol === "graph" ? "Microsoft Graph" : "SMTP"}.`,
        }
      : {
          step: "outbound",
          protocol: outProto,
          ok: false,
          ms: Date.now() - t0,
          detail: sent.diagnosis.evidence.summary,
          diagnosis: sent.diagnosis,
        },
  );

  if (sent.ok && to.toLowerCase() === mb.address.toLowerCase() && (mb.inbound === "imap" || mb.inbound === "graph")) {
    const t1 = Date.now();
    try {
      const { hosts, accessToken: token } = await mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, mb.inbound);
      // Exchange ends an IMAP session when the token it signed in with expires
      // (`* BYE Session invalidated - AccessTokenExpired`); the watch signs in again once, fresh.
      const renew = async () => (await mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, "imap", { forceRefresh: true })).accessToken;
      const r =
        mb.inbound === "imap"
          ? await waitImap(hosts.imap, mb.address, token, mb.folder, subject, opts.waitMs ?? WAIT_MS, renew)
          : await waitGraph(hosts.graphUrl, mb.address, token, mb.folder, subject, opts.waitMs ?? WAIT_MS);
      const secs = ((Date.now() - t1) / 1000).toFixed(1);
      steps.push(
        r.ok
          ? {
              step: "inbound",
              protocol: mb.inbound,
              ok: true,
              ms: Date.now() - t1,
              detail: `Arrived in ${mb.folder} after ${secs} s (read over ${mb.inbound === "imap" ? "IMAP" : "Microsoft Graph"}); ${
                r.removed
                  ? "removed it again, so it never reaches the helpdesk"
                  : "left it in place (the mailbox doesn't allow removing it)"
              }.`,
            }
          : {
              step: "inbound",
              protocol: mb.inbound,
              ok: false,
              ms: Date.now() - t1,
              detail: r.failure.message,
              diagnosis: classify(r.failure),
            },
      );
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      steps.push({
        step: "token",
        protocol: mb.inbound,
        ok: false,
        ms: Date.now() - t1,
        detail: err.message,
        diagnosis: diagnosisFromCatalog(err.code as TDiagnosisCode, err.message),
      });
    }
  }

  const result: TConnectionTest = { ok: steps.every((s) => s.ok), at: new Date().toISOString(), steps };
  await db().$transaction(async (tx) => {
    await tx.event.create({
      data: {
        ...ctx,
        level: result.ok ? "info" : "error",
        code: result.ok ? "test_email_passed" : "test_email_failed",
        message: result.ok
          ? `Test email to ${to} ${steps.length > 1 ? "sent and received" : "sent"}.`
          : `Test email to ${to} failed: ${steps.find((s) => !s.ok)?.diagnosis?.title ?? "see the steps"}.`,
        detail: result as object,
      },
    });
    if (opts.actor)
      await writeAudit(tx, opts.actor, {
        action: "mailbox.test_email",
        targetType: "mailbox",
        targetId: ctx.mailboxId,
        tenantId: ctx.tenantId,
        detail: { to, ok: result.ok },
      });
  });
  return result;
}

type TWait = Promise<{ ok: true; removed: boolean } | { ok: false; failure: TMicrosoftFailure }>;
const notArrived = (folder: string, ms: number) => ({
  ok: false as const,
  failure: {
    source: "imap" as const,
    imapKind: "other" as const,
    message: `The message was sent but didn't reach ${folder} within ${Math.round(ms / 1000)} s. A transport rule, a spam filter or an Inbox rule may have moved it.`,
  },
});

type THostPort = { host: string; port: number };

/** Watches `folder` over IMAP until the message arrives or `waitMs` pass. A session Exchange ends
 *  because its token expired says nothing about the mailbox: `renew` gives a fresh token and the
 *  watch signs in again once, within the same deadline. */
async function waitImap(
  hp: THostPort,
  user: string,
  accessToken: string,
  folder: string,
  subject: string,
  waitMs: number,
  renew?: () => Promise<string>,
): TWait {
  const deadline = Date.now() + waitMs;
  const first = await watchImap(hp, user, accessToken, folder, subject, deadline, waitMs);
  if (first.ok || !("tokenExpired" in first) || !renew) return first;
  let token: string;
  try {
    token = await renew();
  } catch {
    return first;
  }
  return watchImap(hp, user, token, folder, subject, deadline, waitMs);
}

async function watchImap(
  hp: THostPort,
  user: string,
  accessToken: string,
  folder: string,
  subject: string,
  deadline: number,
  waitMs: number,
): Promise<{ ok: true; removed: boolean } | { ok: false; failure: TMicrosoftFailure; tokenExpired?: true }> {
  const client = imapClient({ hosts: { imap: hp }, user, accessToken });
  try {
    await client.connect();
    while (Date.now() < deadline) {
      const lock = await client.getMailboxLock(folder);
      try {
        const exists = (client.mailbox && client.mailbox.exists) || 0;
        let uid: number | null = null;
        if (exists > 0) {
          for await (const m of client.fetch(`${Math.max(1, exists - 19)}:*`, { envelope: true, uid: true }))
            if (m.envelope?.subject === subject) uid = m.uid;
        }
        if (uid !== null) {
          // Read back: now remove it (STORE \Deleted + EXPUNGE), where the mailbox allows it.
          const removed = await client.messageDelete(String(uid), { uid: true }).catch(() => false);
          return { ok: true, removed: !!removed };
        }
      } finally {
        lock.release();
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return notArrived(folder, waitMs);
  } catch (err) {
    if (imapTokenExpired(err) || imapTokenExpired(client)) return { ok: false, failure: imapFailure(err), tokenExpired: true };
    return { ok: false, failure: imapFailure(err) };
  } finally {
    await closeImap(client);
  }
}

async function waitGraph(graphUrl: string, address: string, accessToken: string, folder: string, subject: string, waitMs: number): TWait {
  const client = graphClient(graphUrl, accessToken);
  const id = folder.toUpperCase() === "INBOX" ? "inbox" : encodeURIComponent(folder);
  const deadline = Date.now() + waitMs;
  try {
    while (Date.now() < deadline) {
      const page = (await client
        .api(`/users/${encodeURIComponent(address)}/mailFolders/${id}/messages`)
        .select("id,subject")
        .orderby("receivedDateTime desc")
        .top(20)
        .get()) as { value: { id: string; subject?: string }[] };
      const hit = page.value.find((m) => m.subject === subject);
      if (hit) {
        // Read back: now remove it (DELETE), where the permission allows it.
        const removed = await client
          .api(`/users/${encodeURIComponent(address)}/messages/${encodeURIComponent(hit.id)}`)
          .delete()
          .then(() => true)
          .catch(() => false);
        return { ok: true, removed };
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return notArrived(folder, waitMs);
  } catch (err) {
    return { ok: false, failure: graphFailure(err) };
  }
}
