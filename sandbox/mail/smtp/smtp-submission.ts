// SMTP submission like smtp.office365.com:587, wire text as Exchange Online writes it (sources in
// sandbox/FIDELITY.md, "Exchange Online: SMTP"): its greeting and EHLO lists, STARTTLS before AUTH,
// AUTH LOGIN / XOAUTH2 only (LOGIN is refused as basic auth), SendAs judged after DATA, Exchange's
// transaction replies, and BDAT (CHUNKING, BODY=BINARYMIME) as advertised.
// smtp-server runs the protocol; exchangeDialect() below rewrites the lines where its defaults differ
// and adds BDAT, which smtp-server lacks.
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
/** smtp-server's command parser (SMTPStream): in data mode every byte goes to _feedDataStream. */
type Parser = {
  _dataMode: boolean;
  _feedDataStream: (chunk: Buffer, done: (err?: Error) => void) => void;
  _write: (chunk: Buffer, encoding: string, done: (err?: Error) => void) => void;
  [BDAT_HOOK]?: true;
};
type Conn = {
  id: string;
  secure: boolean;
  remoteAddress: string;
  session: SMTPServerSession & { user?: unknown };
  _parser: Parser | false | null;
  _resetSession: () => void;
  send: Send;
  close: () => void;
  _sendGreeting: () => void;
  _onCommand: (command: Buffer, callback?: () => void) => void;
  handler_EHLO: Handler;
  handler_HELO: Handler;
  handler_STARTTLS: Handler;
  handler_AUTH: Handler;
  handler_MAIL: Handler;
  handler_DATA: Handler;
  handler_RSET: Handler;
  handler_NOOP: Handler;
  handler_QUIT: Handler;
  handler_BDAT?: Handler;
};

const BDAT_HOOK = Symbol("bdat");
/** Exchange's sequence refusal (observed for DATA after BODY=BINARYMIME), used for every out-of-order command but one. */
const BAD_SEQUENCE = "5.5.1 Bad sequence of commands";
/** Exchange's replies where smtp-server writes its own (FIDELITY.md, "Exchange Online: SMTP"). */
export const REPLIES = {
  mailFrom: "2.1.0 Sender OK",
  rcptTo: "2.1.5 Recipient OK",
  data: "Start mail input; end with <CRLF>.<CRLF>",
  rset: "2.0.0 Resetting",
  noop: "2.0.0 OK",
  quit: "2.0.0 Service closing transmission channel",
  needRcpt: "5.5.2 Need rcpt command",
  badSequence: BAD_SEQUENCE,
} as const;

/** What the message handler decides for a complete message (DATA or the last BDAT chunk). */
type Accept = (raw: Buffer, session: SMTPServerSession) => { error: Error } | { reply: string };

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
function exchangeDialect(ctx: SandboxContext, c: Conn, accept: Accept, maxBytes: number) {
  // Replies that already carry Exchange's enhanced code must not get a second one from smtp-server.
  const send0 = c.send.bind(c);
  const exchange: Send = (code, data, context) =>
    send0(code, data, typeof data === "string" && /^\d\.\d{1,3}\.\d{1,3} /.test(data) ? false : context);
  // smtp-server's transaction replies, in Exchange's words (the handlers below cover RSET/NOOP/QUIT/DATA).
  c.send = (code, data, context) => {
    if (context === "MAIL_FROM_OK") return exchange(250, REPLIES.mailFrom);
    if (context === "RCPT_TO_OK") return exchange(250, REPLIES.rcptTo);
    if (code === 354) return exchange(354, REPLIES.data, false);
    if (code === 503 && data === "Error: need RCPT command") return exchange(503, REPLIES.needRcpt);
    if (code === 503 && (data === "Error: nested MAIL command" || data === "Error: need MAIL command")) return exchange(503, BAD_SEQUENCE);
    if (code === 500 && data === "Error: command not recognized")
      return exchange(500, unrecognized(lastLine, exchangeHost(c.id), ctx.now()));
    return exchange(code, data, context);
  };
  // The line being answered, for the unrecognized-command reply (which quotes it).
  let lastLine = "";
  const onCommand = c._onCommand.bind(c);
  c._onCommand = (command, callback) => {
    lastLine = (command ?? Buffer.alloc(0)).toString("latin1");
    onCommand(command, callback);
  };
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

  // The transaction's BDAT chunks so far (undefined: no BDAT yet in this transaction).
  let chunks: { parts: Buffer[]; bytes: number } | undefined;
  const simple = (handler: Handler, code: number, text: string): Handler => {
    const orig = handler.bind(c);
    return (command, callback) =>
      withSend(
        c,
        (send) => (k, data, context) => (k === code ? send(code, text, false) : send(k, data, context)),
        () => orig(command, callback),
      );
  };
  c.handler_NOOP = simple(c.handler_NOOP, 250, REPLIES.noop);
  c.handler_QUIT = simple(c.handler_QUIT, 221, REPLIES.quit);
  const rset = simple(c.handler_RSET, 250, REPLIES.rset);
  c.handler_RSET = (command, callback) => {
    chunks = undefined;
    rset(command, callback);
  };
  // MAIL FROM … BODY=BINARYMIME (RFC 3030 §3): smtp-server knows only 7BIT/8BITMIME, so the parameter
  // is taken off before its handler runs and put on the envelope after it accepted the sender.
  const mail = c.handler_MAIL.bind(c);
  c.handler_MAIL = (command, callback) => {
    const line = command.toString();
    const binary = /\sBODY=BINARYMIME(?=\s|$)/i.test(line);
    const fresh = !c.session.envelope.mailFrom;
    if (!binary) return mail(command, callback);
    mail(Buffer.from(line.replace(/\sBODY=BINARYMIME(?=\s|$)/i, "")), () => {
      if (fresh && c.session.envelope.mailFrom) c.session.envelope.bodyType = "binarymime";
      callback();
    });
  };
  // BINARYMIME needs BDAT, and one transaction doesn't mix DATA and BDAT: 503 (RFC 3030 §3, §2).
  const data = c.handler_DATA.bind(c);
  c.handler_DATA = (command, callback) => {
    if (
      c.session.envelope.mailFrom &&
      c.session.envelope.rcptTo.length &&
      (chunks || String(c.session.envelope.bodyType) === "binarymime")
    ) {
      c.send(503, BAD_SEQUENCE, false);
      return callback();
    }
    data(command, callback);
  };

  // BDAT <size> [LAST] (RFC 3030 §2): the chunk's bytes follow the command line at once, so they are
  // read whatever the reply will be, and the reply comes after the last byte.
  c.handler_BDAT = (command, callback) => {
    const m = /^BDAT +(\d{1,15})( +LAST)? *$/i.exec(command.toString());
    if (!m) {
      // Without a valid size nobody knows where the chunk ends; the transaction can't go on.
      c.send(501, "5.5.4 Invalid arguments", false);
      chunks = undefined;
      return callback();
    }
    const size = Number(m[1]);
    const last = !!m[2];
    const env = c.session.envelope;
    const refusal: [number, string] | undefined = !c.session.user
      ? [530, "5.7.57 Client not authenticated to send mail"]
      : !env.mailFrom
        ? [503, BAD_SEQUENCE]
        : !env.rcptTo.length
          ? [503, REPLIES.needRcpt]
          : undefined;
    const afterChunk = (chunk: Buffer | undefined, resume: () => void) => {
      if (refusal) {
        chunks = undefined;
        c.send(refusal[0], refusal[1], false);
        return resume();
      }
      const t = (chunks ??= { parts: [], bytes: 0 });
      t.bytes += size;
      if (chunk && t.bytes <= maxBytes) t.parts.push(chunk);
      if (!last) {
        c.send(250, `2.0.0 ${size} octets received`, false);
        return resume();
      }
      chunks = undefined;
      const outcome =
        t.bytes > maxBytes
          ? { error: smtpError("5.3.4 Message size exceeds fixed maximum message size", 552) }
          : accept(Buffer.concat(t.parts), c.session);
      if ("error" in outcome) c.send((outcome.error as { responseCode?: number }).responseCode ?? 554, outcome.error.message, false);
      else c.send(250, outcome.reply, false);
      c._resetSession();
      resume();
    };
    const parser = c._parser;
    if (size === 0 || !parser) return afterChunk(undefined, callback);
    hookBdat(parser);
    bdatReads.set(parser, { remaining: size, parts: [], then: afterChunk });
    parser._dataMode = true; // the parser hands us the next `size` bytes, see hookBdat()
    callback();
  };
}

type BdatRead = { remaining: number; parts: Buffer[]; then: (chunk: Buffer, resume: () => void) => void };
const bdatReads = new WeakMap<Parser, BdatRead>();

/** Teaches one parser to read a BDAT chunk: `remaining` raw bytes (no dot-stuffing), then the commands after it. */
function hookBdat(parser: Parser) {
  if (parser[BDAT_HOOK]) return;
  parser[BDAT_HOOK] = true;
  const feed = parser._feedDataStream.bind(parser);
  parser._feedDataStream = (chunk, done) => {
    const read = bdatReads.get(parser);
    if (!read) return feed(chunk, done);
    const take = Math.min(read.remaining, chunk.length);
    read.parts.push(chunk.subarray(0, take));
    read.remaining -= take;
    if (read.remaining > 0) return done();
    bdatReads.delete(parser);
    parser._dataMode = false;
    const rest = chunk.subarray(take);
    // The reply goes out before anything pipelined after the chunk is read.
    read.then(Buffer.concat(read.parts), () => parser._write(rest, "buffer", done));
  };
}

/** `500 5.3.3 Unrecognized command '<the line>' [stamp]`; a line that isn't printable ASCII is quoted as 'unknown'. */
export function unrecognized(line: string, host: string, now: Date) {
  const shown = /^[\x20-\x7e]*$/.test(line) ? line : "unknown";
  return `5.3.3 Unrecognized command '${shown}' ${stamp(host, now)}`;
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
  const maxBytes = 150 * 1024 * 1024;
  /** A whole message (after DATA's final dot or the last BDAT chunk): SendAs, then delivery. */
  const accept = (raw: Buffer, session: SMTPServerSession, started = Date.now()): { error: Error } | { reply: string } => {
    const u = (session as SMTPServerSession & { user: unknown }).user as SmtpUser;
    const h = parseHeaders(raw.subarray(0, headerEnd(raw)));
    const headerFrom = addressparser(getHeader(h, "from") ?? "")[0]?.address;
    const envFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
    for (const a of [envFrom, headerFrom]) {
      if (a && !maySendAs(ctx, u, a)) return { error: sendAsDenied(ctx, u, a, exchangeHost(session.id)) };
    }
    const sender = (headerFrom ?? envFrom ?? u.mailbox).toLowerCase();
    deliverMessage(store, { raw, recipients: session.envelope.rcptTo.map((r) => r.address), sentBy: sender, via: "smtp" });
    return { reply: queuedReply(getHeader(h, "message-id"), raw.length, Date.now() - started, exchangeHost(session.id)) };
  };
  const server: SMTPServer = new SMTPServer({
    secure: false,
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    // The greeting, EHLO/HELO, STARTTLS and AUTH refusals are Exchange's, see exchangeDialect().
    authMethods: AUTH_METHODS,
    authOptional: false,
    allowInsecureAuth: false,
    authRequiredMessage: "5.7.57 Client not authenticated to send mail",
    size: maxBytes,
    hideENHANCEDSTATUSCODES: false, // Exchange answers with enhanced codes ("235 2.7.0 ...")
    logger: false,
    // smtp-server's sendmail jokes and proxy commands, which Exchange doesn't have: unrecognized there.
    disabledCommands: ["WIZ", "SHELL", "KILL", "XCLIENT", "XFORWARD"],
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
        const outcome = accept(Buffer.concat(chunks), session, started);
        if ("error" in outcome) callback(outcome.error);
        else callback(null, outcome.reply);
      });
    },
  });
  const add = server.connections.add.bind(server.connections);
  server.connections.add = (conn) => {
    exchangeDialect(ctx, conn as unknown as Conn, accept, maxBytes);
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
