import "server-only";
// Sends one message from a connected mailbox over its outbound protocol: SMTP submission with
// XOAUTH2 (nodemailer) or Graph sendMail. Failures come back classified, never thrown as raw
// protocol errors, and no token leaves this module.
import { db } from "../db/client";
import { graphClient, graphFailure } from "../mail/graph";
import { smtpFailure as smtpFailureOf, smtpTransport as buildSmtpTransport } from "../mail/smtp";
import { classify, diagnosisFromCatalog, type TDiagnosis, type TDirectoryEvidence } from "../diagnostics/classify";
import { isTokenRejection } from "../diagnostics/token-rejection";
import type { TDiagnosisCode } from "../diagnostics/catalog";
import { notFound } from "../core/errors";
import { TokenError } from "../grants/get-access-token";
import { appOpensOtherMailbox, mailboxToken } from "../grants/mailbox-token";
import type { TCloud, TCloudHosts } from "../microsoft/clouds";
import type { TMicrosoftFailure } from "../microsoft/parse-error";
import { smtpAuthUser } from "../microsoft/xoauth2";
import { composeMime, withoutBcc, ZOutboundInput } from "./compose";
import { testMailHeaderLine } from "../mail/test-mail";
import { withMailboxTrace } from "../trace/mailbox-trace";

export type TOutgoing = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Marks Consentry's own test mail (lib/mail/test-mail.ts), which sync never stores. */
  testMailTag?: string;
};
export type TSendResult = { ok: true; protocol: "smtp" | "graph"; from: string } | { ok: false; diagnosis: TDiagnosis };
type TCtx = { workspaceId: string; tenantId: string; mailboxId: string };

type TPrepared =
  | {
      ok: true;
      mb: { address: string; kind: "user" | "shared"; delegateUpn: string | null; outbound: "smtp" | "graph" };
      hosts: TCloudHosts;
      token: string;
      /** Set for an app-only mailbox: what tells Exchange's refusals apart (classify's evidence). */
      evidence?: TDirectoryEvidence;
      cloud: TCloud;
    }
  | { ok: false; diagnosis: TDiagnosis };

async function prepare(ctx: TCtx): Promise<TPrepared> {
  const mb = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: { address: true, kind: true, delegateUpn: true, outbound: true, tenant: { select: { cloud: true } } },
  });
  if (!mb) throw notFound("Mailbox");
  if (mb.outbound === "none")
    return { ok: false, diagnosis: diagnosisFromCatalog("unknown", `${mb.address} has no outbound protocol (SMTP or Graph) set.`) };
  try {
    const { hosts, accessToken: token, appOnly } = await mailboxToken({ ...ctx, cloud: mb.tenant.cloud }, mb.outbound);
    const evidence: TDirectoryEvidence | undefined = appOnly
      ? {
          expectedUser: mb.address,
          mailboxKind: mb.kind,
          appOnly: { ...appOnly, opensOtherMailbox: await appOpensOtherMailbox(ctx, appOnly.appRegistrationId) },
        }
      : undefined;
    return { ok: true, mb: { ...mb, outbound: mb.outbound }, hosts, token, evidence, cloud: mb.tenant.cloud };
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    return { ok: false, diagnosis: diagnosisFromCatalog(err.code as TDiagnosisCode, err.message) };
  }
}

function smtpTransport(p: Extract<TPrepared, { ok: true }>) {
  const { hosts, mb, token } = p;
  return buildSmtpTransport({ hosts, user: smtpAuthUser(mb), accessToken: token });
}

/** Sends one simple message (test emails, consent links): composed here, then sent like queued mail. */
export async function sendFromMailbox(ctx: TCtx, msg: TOutgoing): Promise<TSendResult> {
  const mb = await db().mailbox.findFirst({
    where: { id: ctx.mailboxId, workspaceId: ctx.workspaceId, tenantId: ctx.tenantId },
    select: { address: true },
  });
  if (!mb) throw notFound("Mailbox");
  const input = ZOutboundInput.safeParse({ to: [msg.to], subject: msg.subject, text: msg.text, html: msg.html, signature: false });
  if (!input.success)
    return {
      ok: false,
      diagnosis: diagnosisFromCatalog("unknown", `Can't send to "${msg.to}": ${input.error.issues[0]?.message ?? "invalid message"}`),
    };
  const { raw, recipients } = await composeMime({ address: mb.address, replyTo: null, signature: null }, input.data);
  return sendRawFromMailbox(ctx, { raw: msg.testMailTag ? Buffer.concat([testMailHeaderLine(msg.testMailTag), raw]) : raw, recipients });
}

/** Sends a composed RFC 5322 message as is (the outbound queue): SMTP with an explicit envelope,
 *  or Graph sendMail with the MIME in base64, which keeps its Message-ID and headers. A refused
 *  token (SMTP 535 5.7.3, Graph 401) is refreshed once before anything is diagnosed, so the
 *  diagnosis names the real cause (or the retry goes through). */
export function sendRawFromMailbox(ctx: TCtx, msg: { raw: Buffer; recipients: string[] }): Promise<TSendResult> {
  return withMailboxTrace(ctx, "send", () => sendRaw(ctx, msg));
}

async function sendRaw(ctx: TCtx, msg: { raw: Buffer; recipients: string[] }): Promise<TSendResult> {
  const p = await prepare(ctx);
  if (!p.ok) return p;
  const first = await sendOnce(p, msg);
  if (first.ok || !isTokenRejection(first.failure)) return first.ok ? first : { ok: false, diagnosis: classify(first.failure, p.evidence) };
  let fresh: string;
  try {
    fresh = (await mailboxToken({ ...ctx, cloud: p.cloud }, p.mb.outbound, { forceRefresh: true })).accessToken;
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    return { ok: false, diagnosis: diagnosisFromCatalog(err.code as TDiagnosisCode, err.message) };
  }
  const again = await sendOnce({ ...p, token: fresh }, msg);
  return again.ok ? again : { ok: false, diagnosis: classify(again.failure, p.evidence) };
}

async function sendOnce(
  p: Extract<TPrepared, { ok: true }>,
  msg: { raw: Buffer; recipients: string[] },
): Promise<Extract<TSendResult, { ok: true }> | { ok: false; failure: TMicrosoftFailure }> {
  const { mb, hosts, token } = p;
  if (mb.outbound === "smtp") {
    const transport = smtpTransport(p);
    try {
      await transport.sendMail({ envelope: { from: mb.address, to: msg.recipients }, raw: withoutBcc(msg.raw) });
      return { ok: true, protocol: "smtp", from: mb.address };
    } catch (err) {
      return { ok: false, failure: smtpFailureOf(err) };
    } finally {
      transport.close();
    }
  }
  try {
    await graphClient(hosts.graphUrl, token)
      .api(`/users/${encodeURIComponent(mb.address)}/sendMail`)
      .header("Content-Type", "text/plain")
      .post(msg.raw.toString("base64"));
    return { ok: true, protocol: "graph", from: mb.address };
  } catch (err) {
    return { ok: false, failure: graphFailure(err) };
  }
}
