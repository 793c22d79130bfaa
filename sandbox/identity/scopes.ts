// Scope strings as Microsoft reads them: resource-qualified, bare names meaning Graph, `.default`
// meaning "everything configured for that resource", and the OIDC scopes that carry no resource.
export const OIDC = ["openid", "profile", "email", "offline_access"];
export const GRAPH = "https://graph.microsoft.com";
export const OUTLOOK = "https://outlook.office.com";

export function resourceOf(scope: string): string {
  if (!scope.startsWith("https://")) return GRAPH;
  const origin = new URL(scope).origin;
  // Exchange answers to both names; tokens carry outlook.office.com (MICROSOFT.md §1.9).
  return origin === "https://outlook.office365.com" || origin === "https://ps.outlook.com" ? OUTLOOK : origin;
}

export function qualify(scope: string): string {
  if (scope.startsWith("https://")) {
    const u = new URL(scope);
    return `${resourceOf(scope)}${u.pathname}`;
  }
  return `${GRAPH}/${scope}`;
}

export function splitScopes(raw: string, appDelegated: string[]): { oidc: string[]; resource: string[] } {
  const parts = raw.split(/\s+/).filter(Boolean);
  const oidc = parts.filter((p) => OIDC.includes(p));
  const resource = new Set<string>();
  for (const p of parts.filter((x) => !OIDC.includes(x))) {
    const q = qualify(p);
    if (q.endsWith("/.default")) {
      const r = resourceOf(q);
      appDelegated.filter((d) => resourceOf(d) === r).forEach((d) => resource.add(d));
    } else resource.add(q);
  }
  return { oidc, resource: [...resource] };
}

export const scopeName = (q: string) => q.slice(q.lastIndexOf("/") + 1);
