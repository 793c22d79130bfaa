import "server-only";
// "Send test email" (journey 7): sends from the mailbox to a chosen address and, when that address
// is the mailbox itself, watches its folder until the message arrives, so one click proves the
// whole round trip: token, send, receive.
import { randomBytes } from "node:crypto";
import { db } from "../db/client";
import { graphClient, graphFailure } from "../mail/graph";
import { closeImap, imapClient, imapFailure } from "../mail/imap";
import type { TMicrosoftFailure } from "../microsoft/parse-error";
import { classify, diagnosisFromCatalog } from "../diagnostics/classify";
import type { TDiagnosisCode } from "../diagnostics/catalog";
import { sendFromMailbox } from "../outbound/send-from-mailbox";
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
  const subject = `Consentry test email ${tag}`;
  const steps: TTestStep[] = [];
  const outProto = mb.outbound === "graph" ? "graph" : "smtp";

  const t0 = Date.now();
  const sent = await sendFromMailbox(ctx, {
    to,
    subject,
    text: `This is a test email from Consentry, sent as ${mb.address} to ${to}.\n\nTest id: ${tag}`,
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
      const r =
        mb.inbound === "imap"
          ? await waitImap(hosts.imap, mb.address, token, mb.folder, subject, opts.waitMs ?? WAIT_MS)
          : await waitGraph(hosts.graphUrl, mb.address, token, mb.folder, subject, opts.waitMs ?? WAIT_MS);
      const secs = ((Date.now() - t1) / 1000).toFixed(1);
      steps.push(
        r.ok
          ? {
              step: "inbound",
              protocol: mb.inbound,
              ok: true,
              ms: Date.now() - t1,
              detail: `Arrived in ${mb.folder} after ${secs} s (read over ${mb.inbound === "imap" ? "IMAP" : "Microsoft Graph"}).`,
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

type TWait = Promise<{ ok: true } | { ok: false; failure: TMicrosoftFailure }>;
const notArrived = (folder: string, ms: number) => ({
  ok: false as const,
  failure: {
    source: "imap" as const,
    imapKind: "other" as const,
    message: `The message was sent but didn't reach ${folder} within ${Math.round(ms / 1000)} s. A transport rule, a spam filter or an Inbox rule may have moved it.`,
  },
});

async function waitImap(
  hp: { host: string; port: number },
  user: string,
  accessToken: string,
  folder: string,
  subject: string,
  waitMs: number,
): TWait {
  const client = imapClient({ hosts: { imap: hp }, user, accessToken });
  try {
    await client.connect();
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const lock = await client.getMailboxLock(folder, { readOnly: true });
      try {
        const exists = (client.mailbox && client.mailbox.exists) || 0;
        if (exists > 0) {
          for await (const m of client.fetch(`${Math.max(1, exists - 19)}:*`, { envelope: true }))
            if (m.envelope?.subject === subject) return { ok: true };
        }
      } finally {
        lock.release();
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return notArrived(folder, waitMs);
  } catch (err) {
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
        .select("subject")
        .orderby("receivedDateTime desc")
        .top(20)
        .get()) as { value: { subject?: string }[] };
      if (page.value.some((m) => m.subject === subject)) return { ok: true };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return notArrived(folder, waitMs);
  } catch (err) {
    return { ok: false, failure: graphFailure(err) };
  }
}
