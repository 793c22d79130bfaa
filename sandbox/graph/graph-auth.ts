// Bearer-token checks and mailbox permission rules for Graph mail (delegated scopes, .Shared
// scopes with FullAccess/SendAs for shared mailboxes, application roles for app-only tokens).
import type { AccessTokenClaims, DirectoryUser, MailboxOwner, SandboxContext } from "../contracts";
import { hasScope, isAppToken } from "../mail/access";
import { errors, GraphError, type GraphReq } from "./graph-http";

export const GRAPH_AUDIENCES = ["https://graph.microsoft.com", "https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000"];

export type Principal = { claims: AccessTokenClaims; isApp: boolean; user?: DirectoryUser };
export type MailAccessKind = "read" | "write" | "send";

export async function authenticate(ctx: SandboxContext, g: GraphReq): Promise<Principal> {
  const h = g.req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw errors.token("Access token is empty.");
  const check = await ctx.verifyAccessToken(m[1]);
  if (!check.ok) {
    if (check.reason === "expired" || check.reason === "not_yet_valid") throw errors.token("Access token has expired or is not yet valid.");
    if (check.reason === "malformed") throw errors.token("CompactToken parsing failed with error code: 80049217");
    throw errors.token("Access token validation failure.");
  }
  const c = check.claims;
  if (!GRAPH_AUDIENCES.includes(c.aud)) throw errors.token("Access token validation failure. Invalid audience.");
  const isApp = isAppToken(c);
  return { claims: c, isApp, user: !isApp && c.oid ? ctx.directory.getUserById(c.oid) : undefined };
}

/** Resolves `me` or `users/{id|upn}` to a directory mailbox owner in the caller's tenant. */
export function resolveTarget(ctx: SandboxContext, p: Principal, segment: string): MailboxOwner {
  if (segment === "me") {
    if (p.isApp) throw new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
    const u = p.user;
    if (!u) throw errors.invalidUser(`${p.claims.oid}@${p.claims.tid}`);
    return { kind: "user", address: u.mail, tenantId: u.tenantId, user: u };
  }
  const id = decodeURIComponent(segment).toLowerCase();
  let owner: MailboxOwner | undefined;
  // users/{id | userPrincipalName}; Exchange-backed mail paths also take an SMTP address.
  const byId = ctx.directory.getUserById(id) ?? ctx.directory.getUserByUpn(id);
  if (byId) owner = { kind: "user", address: byId.mail, tenantId: byId.tenantId, user: byId };
  else owner = ctx.directory.resolveMailbox(id) ?? ctx.directory.listMailboxes().find((o) => o.kind === "shared" && o.shared.id === id);
  // Another tenant's mailbox is as invisible as a missing one.
  if (!owner || owner.tenantId !== p.claims.tid) throw errors.invalidUser(id);
  return owner;
}

// Reading a user's profile (GET /me, GET /users/{id}) is a directory operation, judged by user
// permissions, not mail ones: User.Read reaches the signed-in user only; anyone else needs
// User.ReadBasic.All or wider; app-only tokens need an application user permission. Otherwise
// 403 Authorization_RequestDenied (https://learn.microsoft.com/en-us/graph/api/user-get).
const SELF_PROFILE_SCOPES = ["User.Read", "User.ReadWrite"];
const ANY_PROFILE_PERMISSIONS = [
  "User.ReadBasic.All",
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];

/** Whether the caller may read any user's profile in its tenant. */
export function canReadAnyProfile(p: Principal) {
  return p.isApp
    ? ANY_PROFILE_PERMISSIONS.some((r) => (p.claims.roles ?? []).includes(r))
    : ANY_PROFILE_PERMISSIONS.some((s) => hasScope(p.claims, s));
}

/** Throws 403 Authorization_RequestDenied unless the caller may read this profile. */
export function authorizeProfile(p: Principal, owner: MailboxOwner | undefined) {
  if (canReadAnyProfile(p)) return;
  const self = !p.isApp && owner?.kind === "user" && owner.user.id === p.claims.oid;
  if (self && SELF_PROFILE_SCOPES.some((s) => hasScope(p.claims, s))) return;
  throw errors.insufficientPrivileges();
}

const APP_ROLES: Record<MailAccessKind, string[]> = {
  read: ["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic.All"],
  write: ["Mail.ReadWrite"],
  send: ["Mail.Send"],
};
const OWN_SCOPES: Record<MailAccessKind, string[]> = {
  read: ["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic"],
  write: ["Mail.ReadWrite"],
  send: ["Mail.Send"],
};
const SHARED_SCOPES: Record<MailAccessKind, string[]> = {
  read: ["Mail.Read.Shared", "Mail.ReadWrite.Shared"],
  write: ["Mail.ReadWrite.Shared"],
  send: ["Mail.Send.Shared"],
};

/** Throws the Graph error for a caller lacking `kind` access to the owner's mailbox. */
export function authorizeMailbox(p: Principal, owner: MailboxOwner, kind: MailAccessKind, ctx: SandboxContext) {
  if (owner.kind === "user" && (!owner.user.isLicensed || owner.user.isDisabled)) throw errors.notEnabled();
  // A hybrid organization's on-premises shared mailbox: Exchange Online has no mailbox to open.
  if (owner.kind === "shared" && owner.shared.onPremises) throw errors.notEnabled();
  if (p.isApp) {
    // An Entra application permission is tenant-wide; RBAC for Applications grants are additive
    // to it and never narrow it. Without the Entra role, Exchange's own role assignment for the
    // service principal must cover this mailbox (its management scope), else ErrorAccessDenied.
    if (APP_ROLES[kind].some((r) => (p.claims.roles ?? []).includes(r))) return;
    const g = ctx.directory.exchangeAppGrant({
      tenantId: p.claims.tid,
      appId: p.claims.appid,
      oid: p.claims.oid,
      address: owner.address,
      need: APP_ROLES[kind],
      fullAccessCounts: false,
    });
    if (!g.ok) throw errors.accessDenied();
    return;
  }
  const own = owner.kind === "user" && owner.user.id === p.claims.oid;
  if (own) {
    if (!OWN_SCOPES[kind].some((s) => hasScope(p.claims, s))) throw errors.accessDenied();
    return;
  }
  if (!SHARED_SCOPES[kind].some((s) => hasScope(p.claims, s))) throw errors.accessDenied();
  // Delegated access to someone else's mailbox needs a mailbox permission; the directory only
  // models them for shared mailboxes (FullAccess to read/write, SendAs to send).
  if (owner.kind !== "shared" || !p.claims.oid) throw errors.accessDenied();
  const list = kind === "send" ? owner.shared.sendAs : owner.shared.fullAccess;
  if (!list.includes(p.claims.oid)) {
    if (kind === "send")
      throw new GraphError(
        403,
        "ErrorSendAsDenied",
        "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.",
      );
    throw errors.accessDenied();
  }
  // Past its send quota (a shared mailbox unlicensed beyond 50 GB), Exchange submits nothing from it.
  if (kind === "send" && owner.shared.overSizeLimit)
    throw new GraphError(403, "ErrorQuotaExceeded", "Mailbox has exceeded maximum mailbox size.");
}
