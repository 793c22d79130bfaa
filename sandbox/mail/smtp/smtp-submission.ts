// SMTP submission like smtp.office365.com:587: STARTTLS before AUTH, XOAUTH2 only (PLAIN/LOGIN
// are advertised but refused as basic auth), SendAs checked after DATA, Exchange's reply texts.
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

function stamp(host: string, now: Date) {
  return `[${host} ${now.toISOString()} 08DBB276B7E699C4]`;
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
    name: "MW2PR1901MB2155.namprd19.prod.outlook.com",
    banner: "Microsoft ESMTP MAIL Service ready",
    authMethods: ["XOAUTH2", "LOGIN", "PLAIN"],
    authOptional: false,
    allowInsecureAuth: false, // AUTH before STARTTLS is refused (needsUpgrade semantics)
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
      if (!tok.ok) return callback(smtpError(`5.7.3 Authentication unsuccessful [${host}]`));
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
        return callback(smtpError(`5.7.3 Authentication unsuccessful [${host}]`));
      }
      if (app && !exchangeAppGrant(ctx, claims, owner.address, "smtp").ok) {
        return callback(smtpError(`5.7.3 Authentication unsuccessful [${host}]`));
      }
      if (!app) {
        const allowed =
          owner.kind === "user"
            ? owner.user.id === claims.oid
            : !!claims.oid && (owner.shared.fullAccess.includes(claims.oid) || owner.shared.sendAs.includes(claims.oid));
        if (!allowed) return callback(smtpError(`5.7.3 Authentication unsuccessful [${host}]`));
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
            return callback(
              smtpError(`5.7.60 SMTP; Client does not have permissions to send as this sender [${exchangeHost(session.id)}]`, 550),
            );
          }
        }
        const sender = (headerFrom ?? envFrom ?? u.mailbox).toLowerCase();
        deliverMessage(store, { raw, recipients: session.envelope.rcptTo.map((r) => r.address), sentBy: sender, via: "smtp" });
        callback(null, `2.6.0 <${Date.now()}@${exchangeHost(session.id)}> [InternalId=${Date.now()}] Queued mail for delivery`);
      });
    },
  });
  // Our reply texts carry Exchange's own enhanced codes; stop smtp-server from prefixing another.
  const add = server.connections.add.bind(server.connections);
  server.connections.add = (conn) => {
    const c = conn as unknown as { send: (code: number, data: unknown, context?: unknown) => void };
    const orig = c.send.bind(c);
    c.send = (code, data, context) => orig(code, data, typeof data === "string" && /^\d\.\d{1,3}\.\d{1,3} /.test(data) ? false : context);
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
