// SMTP submission like smtp.office365.com:587, wire text as Exchange Online writes it (sources in
// sandbox/FIDELITY.md, "Exchange Online: SMTP"): its greeting and EHLO lists, STARTTLS before AUTH,
// AUTH LOGIN / XOAUTH2 only (LOGIN is refused as basic auth), SendAs judged after DATA.
// smtp-server runs the protocol; exchangeDialect() below rewrites the lines where its defaults differ.
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import type { AccessTokenClaims, SandboxContext } from "../../contracts";
import { checkOutlookToken, exchangeAppGrant, exchangeHost, isAppToken } from "../access";
import { deliverMessage } from "../deliver";
import type { MailStore } from "../store/mail-store";
import { getHeader, headerEnd, parseHeaders } from "../store/mime-headers";
import addressparser from "nodemailer/lib/addressparser/index.js";

type SmtpUser = { claims: AccessTokenClaims; mailbox: string; isApp: boolean };

function smtpError(message: string, code = 535) {
  return Object.assign(new Error(message), { responseCode: code });
}

/** SMTP AUTH switch: the mailbox value wins; null follows the tenant (security defaults also disable it). */
export function smtpAuthDisabled(ctx: SandboxContext, tenantId: string, userFlag: boolean | null | undefined) {
  if (userFlag === true) return true;
  if (userFlag === false) return false;
  const t = ctx.directory.getTenant(tenantId);
  return !!t && (t.smtpAuthDisabled || t.securityDefaults);
}

/** Exchange's diagnostic stamp: `[<server> <ISO time> <hex>]` (535 5.7.3, 504 5.7.4, 5.7.139). */
function stamp(host: string, now: Date) {
  return `[${host} ${now.toISOString()} 08DBB276B7E699C4]`;
}

/** The front-end name a client sees in the greeting and EHLO (`AM3PR05CA0094.outlook.office365.com`). */
export function frontEndHost(sessionId: string) {
  return `${exchangeHost(sessionId).split(".")[0]}.outlook.office365.com`;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");
/** RFC 5322 date in UTC as Exchange writes it: `Wed, 9 Nov 2022 10:09:41 +0000` (no leading zero on the day). */
export function rfc5322Date(d: Date) {
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

/** EHLO keywords after the Hello line, in Exchange Online's order; AUTH takes STARTTLS's place once TLS is up. */
export function ehloKeywords(secure: boolean) {
  return [
    "SIZE 157286400",
    "PIPELINING",
    "DSN",
    "ENHANCEDSTATUSCODES",
    secure ? "AUTH LOGIN XOAUTH2" : "STARTTLS",
    "8BITMIME",
    "BINARYMIME",
    "CHUNKING",
    "SMTPUTF8",
  ];
}

const AUTH_METHODS = ["LOGIN", "XOAUTH2"];

type Send = (code: number, data: unknown, context?: unknown) => void;
type Handler = (command: Buffer, callback: () => void) => void;
type Conn = {
  id: string;
  secure: boolean;
  remoteAddress: string;
  send: Send;
  _sendGreeting: () => void;
  handler_EHLO: Handler;
  handler_HELO: Handler;
  handler_STARTTLS: Handler;
  handler_AUTH: Handler;
};

/** Runs `fn` with `send` rewritten by `rewrite` (smtp-server's handlers reply synchronously). */
function withSend(c: Conn, rewrite: (orig: Send) => Send, fn: () => void) {
  const orig = c.send;
  c.send = rewrite(orig);
  try {
    fn();
  } finally {
    c.send = orig;
  }
}

/** Makes one smtp-server connection speak Exchange Online's lines. */
function exchangeDialect(ctx: SandboxContext, c: Conn) {
  // Replies that already carry Exchange's enhanced code must not get a second one from smtp-server.
  const send0 = c.send.bind(c);
  c.send = (code, data, context) => send0(code, data, typeof data === "string" && /^\d\.\d{1,3}\.\d{1,3} /.test(data) ? false : context);
  const host = () => frontEndHost(c.id);
  const hello = () => `${host()} Hello [${(c.remoteAddress || "").replace(/^::ffff:/, "")}]`;
  c._sendGreeting = () =>
    c.send(220, `${host()} Microsoft ESMTP MAIL Service ready at ${rfc5322Date(ctx.now())} [08DCE8B62813AB2B]`, false);
  const ehlo = c.handler_EHLO.bind(c);
  c.handler_EHLO = (command, callback) =>
    withSend(
      c,
      (send) => (code, data, context) =>
        code === 250 && Array.isArray(data) ? send(250, [hello(), ...ehloKeywords(c.secure)], false) : send(code, data, context),
      () => ehlo(command, callback),
    );
  const helo = c.handler_HELO.bind(c);
  c.handler_HELO = (command, callback) =>
    withSend(
      c,
      (send) => (code, data, context) => (code === 250 ? send(250, hello(), false) : send(code, data, context)),
      () => helo(command, callback),
    );
  const starttls = c.handler_STARTTLS.bind(c);
  c.handler_STARTTLS = (command, callback) =>
    withSend(
      c,
      (send) => (code, data, context) => (code === 220 ? send(220, "2.0.0 SMTP server ready", false) : send(code, data, context)),
      () => starttls(command, callback),
    );
  const auth = c.handler_AUTH.bind(c);
  c.handler_AUTH = (command, callback) => {
    const method = (command.toString().trim().split(/\s+/)[1] ?? "").toUpperCase();
    // No AUTH is offered before STARTTLS, so any AUTH there is an unknown mechanism, as is PLAIN after it.
    if (!c.secure || !AUTH_METHODS.includes(method)) {
      c.send(504, `5.7.4 Unrecognized authentication type ${stamp(exchangeHost(c.id), ctx.now())}`, false);
      return callback();
    }
    auth(command, callback);
  };
}

/** `250 2.6.0 <message-id> [InternalId=…, Hostname=…] N bytes in S, R KB/sec Queued mail for delivery`. */
export function queuedReply(messageId: string | undefined, bytes: number, ms: number, host: string) {
  const secs = Math.max(ms, 1) / 1000;
  const id = messageId?.trim() || `<${Date.now().toString(36).toUpperCase()}@${host}>`;
  const internalId = 30_000_000_000_000 + (Date.now() % 10_000_000_000_000);
  return `2.6.0 ${id} [InternalId=${internalId}, Hostname=${host.toUpperCase()}] ${bytes} bytes in ${secs.toFixed(3)}, ${(bytes / 1024 / secs).toFixed(3)} KB/sec Queued mail for delivery`;
}

/** The tenant's SendAs refusal: current Exchange Online (554 5.2.252) or older tenants (550 5.7.60). */
export function sendAsDenied(ctx: SandboxContext, u: { claims: AccessTokenClaims; mailbox: string }, from: string, host: string) {
  const t = ctx.directory.getTenant(u.claims.tid);
  if (t?.sendAsDeniedReply === "5.7.60")
    return smtpError(`5.7.60 SMTP; Client does not have permissions to send as this sender [${host}]`, 550);
  return smtpError(
    `5.2.252 SendAsDenied; ${u.mailbox} not allowed to send as ${from}; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit message. 0.35250:0A000000, 1.36674:0A000000, 1.61250:00000000, 1.45378:02000000[EndDiagnosticData]`,
    554,
  );
}

/** Addresses the authenticated principal may put in From / MAIL FROM. */
export function maySendAs(ctx: SandboxContext, u: SmtpUser, address: string): boolean {
  const a = address.toLowerCase();
  if (a === u.mailbox) return true;
  const owner = ctx.directory.resolveMailbox(a);
  if (!owner || owner.tenantId !== u.claims.tid) return false;
  // App-only: the mailbox named in user= only. Sending as another needs SendAs
  // (Add-RecipientPermission), which the sandbox does not model for service principals.
  if (u.isApp) return false;
  if (owner.kind === "shared") return !!u.claims.oid && owner.shared.sendAs.includes(u.claims.oid);
  return owner.user.id === u.claims.oid;
}

export async function startSmtpServer(ctx: SandboxContext, store: MailStore, port: number) {
  const server: SMTPServer = new SMTPServer({
    secure: false,
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    // The greeting, EHLO/HELO, STARTTLS and AUTH refusals are Exchange's, see exchangeDialect().
    authMethods: AUTH_METHODS,
    authOptional: false,
    allowInsecureAuth: false,
    authRequiredMessage: "5.7.57 Client not authenticated to send mail",
    size: 150 * 1024 * 1024,
    hideENHANCEDSTATUSCODES: false, // Exchange answers with enhanced codes ("235 2.7.0 ...")
    logger: false,
    disabledCommands: [],
    async onAuth(auth, session, callback) {
      const host = exchangeHost(session.id);
      if (auth.method !== "XOAUTH2") {
        return callback(smtpError(`5.7.139 Authentication unsuccessful, basic authentication is disabled. ${stamp(host, ctx.now())}`));
      }
      const tok = await checkOutlookToken(ctx, auth.accessToken ?? "", "smtp");
      if (!tok.ok) return callback(smtpError(`5.7.3 Authentication unsuccessful ${stamp(host, ctx.now())}`));
      const claims = tok.claims;
      const mailbox = (auth.username ?? "").toLowerCase();
      const owner = ctx.directory.resolveMailbox(mailbox);
      const app = isAppToken(claims);
      const tokenUser = claims.oid ? ctx.directory.getUserById(claims.oid) : undefined;
      // The SMTP AUTH switch of the mailbox authenticating (the token's user for delegates).
      const subject = owner?.kind === "user" ? owner.user : tokenUser;
      const tenantId = owner?.tenantId ?? claims.tid;
      if (smtpAuthDisabled(ctx, tenantId, subject?.smtpAuthDisabled)) {
        return callback(
          smtpError(
            `5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. ${stamp(host, ctx.now())}`,
          ),
        );
      }
      if (!owner || owner.tenantId !== claims.tid || (owner.kind === "user" && !owner.user.isLicensed)) {
        return callback(smtpError(`5.7.3 Authentication unsuccessful ${stamp(host, ctx.now())}`));
      }
      if (app && !exchangeAppGrant(ctx, claims, owner.address, "smtp").ok) {
        return callback(smtpError(`5.7.3 Authentication unsuccessful [${host}]`));
      }
      if (!app) {
        const allowed =
          owner.kind === "user"
            ? owner.user.id === claims.oid
            : !!claims.oid && (owner.shared.fullAccess.includes(claims.oid) || owner.shared.sendAs.includes(claims.oid));
        if (!allowed) return callback(smtpError(`5.7.3 Authentication unsuccessful ${stamp(host, ctx.now())}`));
      }
      const user: SmtpUser = { claims, mailbox: owner.address, isApp: app };
      callback(null, { user: user as unknown as string });
    },
    onMailFrom(_address, _session, callback) {
      // SendAs is judged after DATA, as Exchange does ("DATA END command failed").
      callback();
    },
    onRcptTo(_address, _session, callback) {
      callback();
    },
    onData(stream, session, callback) {
      const started = Date.now();
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        const u = (session as SMTPServerSession & { user: unknown }).user as SmtpUser;
        const h = parseHeaders(raw.subarray(0, headerEnd(raw)));
        const headerFrom = addressparser(getHeader(h, "from") ?? "")[0]?.address;
        const envFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        for (const a of [envFrom, headerFrom]) {
          if (a && !maySendAs(ctx, u, a)) {
            return callback(sendAsDenied(ctx, u, a, exchangeHost(session.id)));
          }
        }
        const sender = (headerFrom ?? envFrom ?? u.mailbox).toLowerCase();
        deliverMessage(store, { raw, recipients: session.envelope.rcptTo.map((r) => r.address), sentBy: sender, via: "smtp" });
        callback(null, queuedReply(getHeader(h, "message-id"), raw.length, Date.now() - started, exchangeHost(session.id)));
      });
    },
  });
  const add = server.connections.add.bind(server.connections);
  server.connections.add = (conn) => {
    exchangeDialect(ctx, conn as unknown as Conn);
    return add(conn);
  };
  server.on("error", (err) => ctx.log("smtp error", { error: err.message }));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const real = (server.server.address() as AddressInfo).port;
  return {
    port: real,
    url: `smtp://${ctx.hostname}:${real}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
