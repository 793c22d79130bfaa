import "server-only";
// The SMTP transport: submission with STARTTLS and AUTH XOAUTH2 (nodemailer), built here for every
// sender (the outbound queue, test emails, the connection test's SendAs check) with one set of
// options, and the one place SMTP replies become failures.
import nodemailer from "nodemailer";
import type { TCloudHosts } from "../microsoft/clouds";
import { failureFromNetworkError, redact, type TMicrosoftFailure } from "../microsoft/parse-error";
import { smtpTraceLogger, traceFor } from "./trace-hooks";

const TIMEOUT_MS = 20_000;

/** `user` is the account that signs in (see smtpAuthUser: a shared mailbox's delegate). */
export function smtpTransport(o: { hosts: Pick<TCloudHosts, "smtp">; user: string; accessToken: string; timeoutMs?: number }) {
  const hp = o.hosts.smtp;
  const t = o.timeoutMs ?? TIMEOUT_MS;
  const trace = traceFor(o.user, o.accessToken); // the mailbox's trace switch (lib/trace), when on
  return nodemailer.createTransport({
    host: hp.host,
    port: hp.port,
    secure: false,
    requireTLS: true,
    tls: { servername: hp.host },
    auth: { type: "OAuth2", user: o.user, accessToken: o.accessToken },
    connectionTimeout: t,
    greetingTimeout: t,
    socketTimeout: t,
    // nodemailer types its logger as bunyan's; ours has the same methods.
    ...(trace ? { logger: smtpTraceLogger(trace) as unknown as boolean, transactionLog: true } : {}),
  });
}

export function failureFromSmtpReply(reply: string): TMicrosoftFailure {
  const m = reply.trim().match(/^(\d{3})[ -]?(\d\.\d{1,3}\.\d{1,3})?/);
  return { source: "smtp", smtpCode: m ? Number(m[1]) : undefined, enhancedCode: m?.[2], message: redact(reply.trim()) };
}

/** Any error nodemailer threw, as one failure: the server's reply, or the network. */
export function smtpFailure(err: unknown): TMicrosoftFailure {
  const e = err as { response?: string };
  return e?.response ? failureFromSmtpReply(e.response) : failureFromNetworkError(err);
}
