// Scope strings as Microsoft reads them: resource-qualified, bare names meaning Graph, `.default`
// meaning "everything configured for that resource", and the OIDC scopes that carry no resource.
// Also the rules the token endpoint and /authorize enforce on them (sandbox/FIDELITY.md).
export const OIDC = ["openid", "profile", "email", "offline_access"];
export const GRAPH = "https://graph.microsoft.com";
export const OUTLOOK = "https://outlook.office.com";

/** The resources' app IDs, as AADSTS messages name them. */
export const RESOURCE_APP_ID: Record<string, string> = {
  [GRAPH]: "00000003-0000-0000-c000-000000000000",
  [OUTLOOK]: "00000002-0000-0ff1-ce00-000000000000",
};

// The permissions each resource publishes (the part of them Consentry's world touches). Graph also
// publishes IMAP/POP/SMTP delegated permissions; tokens for them carry Graph's audience.
const DEFINED: Record<string, { delegated: string[]; roles: string[] }> = {
  [GRAPH]: {
    delegated: [
      "Mail.Read",
      "Mail.ReadBasic",
      "Mail.ReadWrite",
      "Mail.Send",
      "Mail.Read.Shared",
      "Mail.ReadWrite.Shared",
      "Mail.Send.Shared",
      "MailboxSettings.Read",
      "MailboxSettings.ReadWrite",
      "User.Read",
      "User.ReadBasic.All",
      "User.Read.All",
      "IMAP.AccessAsUser.All",
      "POP.AccessAsUser.All",
      "SMTP.Send",
    ],
    roles: ["Mail.Read", "Mail.ReadBasic", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.Read", "User.Read.All"],
  },
  [OUTLOOK]: {
    delegated: [
      "IMAP.AccessAsUser.All",
      "POP.AccessAsUser.All",
      "SMTP.Send",
      "EWS.AccessAsUser.All",
      "Mail.Read",
      "Mail.ReadWrite",
      "Mail.Send",
      "User.Read",
    ],
    roles: ["IMAP.AccessAsApp", "POP.AccessAsApp", "SMTP.SendAsApp", "full_access_as_app", "Mail.Read", "Mail.ReadWrite", "Mail.Send"],
  },
};

export function resourceOf(scope: string): string {
  if (!scope.startsWith("https://")) return GRAPH;
  const origin = new URL(scope).origin;
  // Exchange answers to both names (https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth);
  // tokens carry outlook.office.com (see sandbox/FIDELITY.md, Identity platform).
  return origin === "https://outlook.office365.com" || origin === "https://ps.outlook.com" ? OUTLOOK : origin;
}

/** The permission's name as the resource spells it (scope names are case-insensitive). */
function canonical(resource: string, name: string): string {
  const d = DEFINED[resource];
  if (!d) return name;
  return [...d.delegated, ...d.roles].find((n) => n.toLowerCase() === name.toLowerCase()) ?? name;
}

export function qualify(scope: string): string {
  if (scope.startsWith("https://")) {
    const u = new URL(scope);
    const r = resourceOf(scope);
    return `${r}/${canonical(r, u.pathname.slice(1))}`;
  }
  return `${GRAPH}/${canonical(GRAPH, scope)}`;
}

export function splitScopes(raw: string, appDelegated: string[]): { oidc: string[]; resource: string[] } {
  const parts = raw.split(/\s+/).filter(Boolean);
  const oidc = parts.filter((p) => OIDC.includes(p.toLowerCase())).map((p) => p.toLowerCase());
  const resource = new Set<string>();
  for (const p of parts.filter((x) => !OIDC.includes(x.toLowerCase()))) {
    const q = qualify(p);
    if (q.endsWith("/.default")) {
      const r = resourceOf(q);
      appDelegated.filter((d) => resourceOf(d) === r).forEach((d) => resource.add(d));
    } else resource.add(q);
  }
  return { oidc, resource: [...resource] };
}

export const scopeName = (q: string) => q.slice(q.lastIndexOf("/") + 1);

const words = (raw: string) => raw.split(/\s+/).filter(Boolean);
const resourceWords = (raw: string) => words(raw).filter((p) => !OIDC.includes(p.toLowerCase()));

export type TScopeFault = { code: number; params: Record<string, string>; variant?: string };

/**
 * The token endpoint's scope rules. client_credentials: every scope must be `{resource}/.default`
 * (AADSTS1002012), for one resource (AADSTS70011). Code redemption and refresh: one resource plus
 * OIDC scopes (AADSTS28000), and never `.default` beside that resource's static scopes (AADSTS70011).
 */
export function tokenScopeFault(grant: "client_credentials" | "authorization_code" | "refresh_token", raw: string): TScopeFault | null {
  const scope = words(raw).join(" ");
  const res = resourceWords(raw);
  if (grant === "client_credentials") {
    if (!scope) return { code: 900144, params: { name: "scope" } };
    const bad = words(raw).find((p) => !/\/\.default$/.test(p));
    if (bad !== undefined) return { code: 1002012, params: { scope: bad } };
    if (new Set(res.map((p) => resourceOf(qualify(p)))).size > 1) return { code: 70011, params: { scope } };
    return null;
  }
  if (new Set(res.map((p) => resourceOf(qualify(p)))).size > 1) return { code: 28000, params: { scope } };
  return mixesDefault(raw) ? { code: 70011, params: { scope }, variant: "incompatible" } : null;
}

/** `.default` (static consent) beside named (dynamic) scopes of the same resource. */
export function mixesDefault(raw: string): boolean {
  const qs = resourceWords(raw).map(qualify);
  return qs.some((q) => q.endsWith("/.default")) && qs.some((q) => !q.endsWith("/.default"));
}

/** The first requested scope its resource does not publish (AADSTS650053), or null. */
export function undefinedScope(raw: string): { scope: string; resource: string } | null {
  for (const p of resourceWords(raw)) {
    const q = qualify(p);
    const r = resourceOf(q);
    const name = scopeName(q);
    const d = DEFINED[r];
    if (!d || name === ".default") continue;
    if (!d.delegated.includes(name)) return { scope: p.startsWith("https://") ? name : p, resource: r };
  }
  return null;
}
