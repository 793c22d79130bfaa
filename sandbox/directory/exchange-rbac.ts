// Exchange Online's authorization of app-only (client-credentials) access to mailboxes, on top of
// Entra admin consent: the service principal registered in Exchange (New-ServicePrincipal), a
// mailbox permission for it (Add-MailboxPermission -AccessRights FullAccess), and RBAC for
// Applications (New-ManagementScope + New-ManagementRoleAssignment -App). Sources in FIDELITY.md.
import { createHash } from "node:crypto";
import type { TSbExchange, TSbExoScope } from "./model";

/** A stable object id per (tenant, app): the Entra enterprise application (service principal). */
export function servicePrincipalObjectId(tenantId: string, clientId: string) {
  const h = createHash("sha256").update(`sp:${tenantId}:${clientId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Application roles of RBAC for Applications that concern mail, with the Graph permissions they
 *  grant (learn.microsoft.com/exchange/permissions-exo/application-rbac) plus SMTP.SendAsApp
 *  (learn.microsoft.com/exchange/client-developer/legacy-protocols/smtp-app-rbac-onboarding). No
 *  public source lists an IMAP or POP role: those protocols need Add-MailboxPermission. */
export const EXO_APP_ROLES: Record<string, string[]> = {
  "Application Mail.Read": ["Mail.Read"],
  "Application Mail.ReadBasic": ["Mail.ReadBasic"],
  "Application Mail.ReadWrite": ["Mail.ReadWrite"],
  "Application Mail.Send": ["Mail.Send"],
  "Application Mail Full Access": ["Mail.ReadWrite", "Mail.Send"],
  "Application Exchange Full Access": ["Mail.ReadWrite", "Mail.Send"],
  "Application EWS.AccessAsApp": ["EWS.AccessAsApp"],
  "Application SMTP.SendAsApp": ["SMTP.SendAsApp"],
};

export const CUSTOM_ATTRIBUTES = Array.from({ length: 15 }, (_, i) => `CustomAttribute${i + 1}`);
const FILTER_PROPS = [...CUSTOM_ATTRIBUTES, "PrimarySmtpAddress", "WindowsEmailAddress"];

type TClause = { prop: string; op: "-eq" | "-ne"; value: string };

/** Parses the subset of OPATH that the sandbox supports in -RecipientRestrictionFilter:
 *  `Prop -eq 'value'` / `Prop -ne 'value'` clauses joined by `-or`, or all by `-and`. */
export function parseRecipientFilter(
  filter: string,
): { ok: true; join: "-or" | "-and"; clauses: TClause[] } | { ok: false; error: string } {
  const text = filter.trim();
  const hasOr = /\s-or\s/i.test(text);
  const hasAnd = /\s-and\s/i.test(text);
  if (hasOr && hasAnd) return { ok: false, error: "mixing -or and -and isn't supported by the sandbox" };
  const join = hasAnd ? "-and" : "-or";
  const clauses: TClause[] = [];
  for (const part of text.split(hasAnd ? /\s-and\s/i : /\s-or\s/i)) {
    const m = /^\(?\s*(\w+)\s+(-eq|-ne)\s+(?:'([^']*)'|"([^"]*)")\s*\)?$/i.exec(part.trim());
    if (!m) return { ok: false, error: `can't parse "${part.trim()}" (use Prop -eq 'value')` };
    const prop = FILTER_PROPS.find((p) => p.toLowerCase() === m[1].toLowerCase());
    if (!prop) return { ok: false, error: `${m[1]} isn't a filterable property here (${FILTER_PROPS.join(", ")})` };
    clauses.push({ prop, op: m[2].toLowerCase() as "-eq" | "-ne", value: m[3] ?? m[4] ?? "" });
  }
  return { ok: true, join, clauses };
}

export function scopeIncludes(exo: TSbExchange, scope: TSbExoScope, address: string): boolean {
  const f = parseRecipientFilter(scope.recipientRestrictionFilter);
  if (!f.ok) return false;
  const a = address.toLowerCase();
  const attrs = exo.customAttributes[a] ?? {};
  const test = (c: TClause) => {
    const actual = c.prop === "PrimarySmtpAddress" || c.prop === "WindowsEmailAddress" ? a : (attrs[c.prop] ?? "");
    const eq = actual.toLowerCase() === c.value.toLowerCase();
    return c.op === "-eq" ? eq : !eq;
  };
  return f.join === "-and" ? f.clauses.every(test) : f.clauses.some(test);
}

export type TExoAppDenial = "sp_not_registered" | "no_mailbox_permission" | "out_of_scope";
export type TExoAppGrant = { ok: true; via: "mailbox_permission" | "role_assignment" } | { ok: false; reason: TExoAppDenial };

/**
 * What Exchange lets the app's service principal do on one mailbox. `oid` is the token's oid (the
 * Entra service principal's object id): an Exchange registration with another object id (the app
 * registration's, a common mistake) does not match. `need` is a Graph-style permission name
 * (Mail.Read, Mail.ReadWrite, Mail.Send, SMTP.SendAsApp) satisfied by a role assignment, and
 * `fullAccessCounts` says whether a FullAccess mailbox permission grants it (IMAP, POP, SMTP).
 */
export function exoAppGrant(
  exo: TSbExchange,
  p: { tenantId: string; appId: string; oid: string | undefined; address: string; need: string[]; fullAccessCounts: boolean },
): TExoAppGrant {
  const sp = exo.servicePrincipals.find((s) => s.tenantId === p.tenantId && s.appId === p.appId && s.objectId === p.oid);
  if (!sp) return { ok: false, reason: "sp_not_registered" };
  const a = p.address.toLowerCase();
  if (
    p.fullAccessCounts &&
    exo.mailboxPermissions.some((m) => m.tenantId === p.tenantId && m.address === a && m.principalObjectId === sp.objectId)
  )
    return { ok: true, via: "mailbox_permission" };
  const assignments = exo.roleAssignments.filter(
    (r) => r.tenantId === p.tenantId && r.appObjectId === sp.objectId && (EXO_APP_ROLES[r.role] ?? []).some((x) => p.need.includes(x)),
  );
  if (!assignments.length) return { ok: false, reason: "no_mailbox_permission" };
  const inScope = assignments.some((r) => {
    if (r.customResourceScope === null) return true; // no scope: the whole organization
    const scope = exo.managementScopes.find(
      (s) => s.tenantId === p.tenantId && s.name.toLowerCase() === r.customResourceScope!.toLowerCase(),
    );
    return !!scope && scopeIncludes(exo, scope, a);
  });
  return inScope ? { ok: true, via: "role_assignment" } : { ok: false, reason: "out_of_scope" };
}
