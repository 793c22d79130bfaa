// Who may open which mailbox over IMAP, POP and SMTP. The outcome buckets mirror what Exchange
// shows on the wire: token problems fail authentication outright, while a valid token that lacks
// rights on the mailbox named in user= authenticates and then fails ("not connected"), the same way
// for every cause, so that clients must explain it from directory state.
import { z } from "zod";
import type { AccessTokenClaims, MailboxOwner, SandboxContext } from "../contracts";

export const OUTLOOK_AUDIENCES = ["https://outlook.office.com", "https://outlook.office365.com", "00000002-0000-0ff1-ce00-000000000000"];

export type MailProtocol = "imap" | "pop" | "smtp";

const REQUIRED: Record<MailProtocol, { scope: string; role: string }> = {
  imap: { scope: "IMAP.AccessAsUser.All", role: "IMAP.AccessAsApp" },
  pop: { scope: "POP.AccessAsUser.All", role: "POP.AccessAsApp" },
  smtp: { scope: "SMTP.Send", role: "SMTP.SendAsApp" },
};

const ZXoauth2 = z.object({ user: z.string().min(1), token: z.string().min(1) });
export type TXoauth2 = z.infer<typeof ZXoauth2>;

/** Decodes `base64("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")`. */
export function decodeXoauth2(b64: string): TXoauth2 | undefined {
  const text = Buffer.from(b64.trim(), "base64").toString("utf8");
  const user = /(?:^|\x01)user=([^\x01]*)/.exec(text)?.[1];
  const token = /(?:^|\x01)auth=Bearer ([^\x01]*)/i.exec(text)?.[1];
  const parsed = ZXoauth2.safeParse({ user, token });
  return parsed.success ? parsed.data : undefined;
}

export type MailAccess =
  | { result: "ok"; owner: MailboxOwner; claims: AccessTokenClaims; isApp: boolean }
  | { result: "auth_failed"; reason: string }
  | { result: "not_connected"; reason: string; claims: AccessTokenClaims };

export function hasScope(claims: AccessTokenClaims, scope: string) {
  return typeof claims.scp === "string" && claims.scp.split(" ").some((s) => s === scope || s.endsWith("/" + scope));
}

/** App-only (client credentials) tokens carry no scp claim; their permissions are in roles. */
export function isAppToken(claims: AccessTokenClaims) {
  return typeof claims.scp !== "string";
}

/** Token checks (signature, lifetime, audience, scope or app role with admin consent). */
export async function checkOutlookToken(ctx: SandboxContext, token: string, proto: MailProtocol) {
  const check = await ctx.verifyAccessToken(token);
  if (!check.ok) return { ok: false as const, reason: check.reason };
  const c = check.claims;
  if (!OUTLOOK_AUDIENCES.includes(c.aud)) return { ok: false as const, reason: "wrong_audience" };
  const need = REQUIRED[proto];
  if (isAppToken(c)) {
    const consented = (c.roles ?? []).includes(need.role) && ctx.directory.hasAppRoleConsent(c.tid, c.appid, need.role);
    // SMTP may also be granted by RBAC for Applications alone ("Application SMTP.SendAsApp"),
    // without the Entra permission; the mailbox is checked after AUTH.
    const smtpRbacOnly = proto === "smtp" && !consented && smtpRbacAssigned(ctx, c);
    if (!consented && !smtpRbacOnly) return { ok: false as const, reason: "missing_role" };
  } else if (!hasScope(c, need.scope)) {
    return { ok: false as const, reason: "missing_scope" };
  }
  return { ok: true as const, claims: c };
}

/** Rights of the token holder on the mailbox named in user=. */
export function mailboxRights(
  ctx: SandboxContext,
  claims: AccessTokenClaims,
  address: string,
  proto: MailProtocol,
): { ok: true; owner: MailboxOwner } | { ok: false; reason: string } {
  const owner = ctx.directory.resolveMailbox(address);
  if (!owner) return { ok: false, reason: "no_such_mailbox" };
  if (owner.tenantId !== claims.tid) return { ok: false, reason: "tenant_mismatch" };
  if (owner.kind === "user") {
    if (!owner.user.isLicensed) return { ok: false, reason: "unlicensed" };
    if (owner.user.isDisabled) return { ok: false, reason: "disabled" };
    if (proto === "imap" && !owner.user.imapEnabled) return { ok: false, reason: "imap_disabled" };
    if (proto === "pop" && !owner.user.popEnabled) return { ok: false, reason: "pop_disabled" };
  }
  // App-only tokens were already checked for the Entra role and tenant-wide consent; Exchange
  // still needs its own grant for the service principal on this mailbox.
  if (isAppToken(claims)) {
    const g = exchangeAppGrant(ctx, claims, owner.address, proto);
    return g.ok ? { ok: true, owner } : { ok: false, reason: g.reason };
  }
  if (owner.kind === "user") return owner.user.id === claims.oid ? { ok: true, owner } : { ok: false, reason: "other_user" };
  if (owner.shared.onPremises) return { ok: false, reason: "not_in_exchange_online" };
  return claims.oid && owner.shared.fullAccess.includes(claims.oid) ? { ok: true, owner } : { ok: false, reason: "no_full_access" };
}

/** Exchange's grant for an app-only token on a mailbox: IMAP and POP need the service principal's
 *  FullAccess mailbox permission; SMTP takes FullAccess or an "Application SMTP.SendAsApp" role
 *  assignment whose scope includes the mailbox. */
export function exchangeAppGrant(ctx: SandboxContext, claims: AccessTokenClaims, address: string, proto: MailProtocol) {
  return ctx.directory.exchangeAppGrant({
    tenantId: claims.tid,
    appId: claims.appid,
    oid: claims.oid,
    address,
    need: proto === "smtp" ? ["SMTP.SendAsApp"] : [],
    fullAccessCounts: true,
  });
}

function smtpRbacAssigned(ctx: SandboxContext, c: AccessTokenClaims) {
  // Any mailbox will do here: the question is only whether some assignment exists.
  const g = ctx.directory.exchangeAppGrant({
    tenantId: c.tid,
    appId: c.appid,
    oid: c.oid,
    address: "",
    need: ["SMTP.SendAsApp"],
    fullAccessCounts: false,
  });
  return g.ok || g.reason === "out_of_scope";
}

export async function checkMailAccess(ctx: SandboxContext, xo: TXoauth2, proto: MailProtocol): Promise<MailAccess> {
  const tok = await checkOutlookToken(ctx, xo.token, proto);
  if (!tok.ok) return { result: "auth_failed", reason: tok.reason };
  const rights = mailboxRights(ctx, tok.claims, xo.user, proto);
  if (!rights.ok) return { result: "not_connected", reason: rights.reason, claims: tok.claims };
  return { result: "ok", owner: rights.owner, claims: tok.claims, isApp: isAppToken(tok.claims) };
}

/** Exchange-looking backend host names for bracketed diagnostics. */
export function exchangeHost(seed: string) {
  let h = 0;
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const regions = ["namprd19", "namprd05", "eurprd04", "apcprd06"];
  return `MW2PR${1900 + (h % 99)}MB${2000 + (h % 997)}.${regions[h % regions.length]}.prod.outlook.com`;
}
