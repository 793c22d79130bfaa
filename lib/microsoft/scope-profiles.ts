// What each scope profile asks Microsoft for, and the exact permissions to add in Azure.
import type { TCloudHosts } from "./clouds";

export type TScopeProfile = "imap_smtp" | "pop_smtp" | "graph" | "graph_app_only" | "exchange_app_only";
export type TAppOnlyProfile = "graph_app_only" | "exchange_app_only";
export type TPermission = {
  api: "Office 365 Exchange Online" | "Microsoft Graph";
  name: string;
  type: "Delegated" | "Application";
  adminConsentRequired: boolean;
  why: string;
  /** Where in the Azure portal the permission is added (API permissions → Add a permission → …). */
  blade: string;
};

/** App-only profiles connect with the app's own identity (client credentials): no user signs in. */
export function isAppOnlyProfile(profile: string): profile is TAppOnlyProfile {
  return profile === "graph_app_only" || profile === "exchange_app_only";
}

/** Application permissions (the token's `roles`) an app-only profile needs per protocol. Graph's
 *  Mail.* roles are optional: RBAC for Applications in Exchange can grant the same, scoped. */
export const APP_ONLY_ROLES = {
  imap: "IMAP.AccessAsApp",
  pop: "POP.AccessAsApp",
  smtp: "SMTP.SendAsApp",
} as const;

export const PROFILE_LABELS: Record<TScopeProfile, string> = {
  imap_smtp: "IMAP + SMTP",
  pop_smtp: "POP + SMTP",
  graph: "Microsoft Graph",
  graph_app_only: "Graph app-only (no user)",
  exchange_app_only: "IMAP/POP/SMTP app-only (no user)",
};

const OIDC = ["offline_access", "openid", "profile", "email"];

const OUTLOOK: Record<"imap_smtp" | "pop_smtp", string[]> = {
  imap_smtp: ["IMAP.AccessAsUser.All", "SMTP.Send"],
  pop_smtp: ["POP.AccessAsUser.All", "SMTP.Send"],
};
const GRAPH_DELEGATED = ["Mail.ReadWrite", "Mail.Send", "Mail.ReadWrite.Shared", "Mail.Send.Shared", "User.Read"];

/** The scopes a user's sign-in asks for. Never empty: an app-only profile has no user sign-in, and
 *  asking Microsoft with an empty scope would fail at the user's end, so this refuses instead. */
export function delegatedScopes(profile: TScopeProfile, hosts: TCloudHosts): string[] {
  if (isAppOnlyProfile(profile)) throw new Error("An app-only app has no user sign-in: connect its mailboxes with the app-only checklist.");
  const resourceScopes =
    profile === "graph"
      ? GRAPH_DELEGATED.map((s) => `${hosts.graphResource}/${s}`)
      : OUTLOOK[profile].map((s) => `${hosts.outlookResource}/${s}`);
  return [...resourceScopes, ...OIDC];
}

/** Graph's User.Read: who signed in (`/me`: mail, proxyAddresses, userPrincipalName). */
export const identityScope = (hosts: TCloudHosts) => `${hosts.graphResource}/User.Read`;

/** What the sign-in page asks consent for. IMAP/POP profiles also ask Graph's User.Read up front
 *  (several resources are fine at /authorize, one per token request), so Consentry can read /me
 *  with the refresh token afterwards instead of a second sign-in:
 *  https://learn.microsoft.com/en-us/entra/identity-platform/scenario-desktop-production */
export function authorizeScopes(profile: TScopeProfile, hosts: TCloudHosts): string[] {
  const d = delegatedScopes(profile, hosts);
  if (profile === "graph" || profile === "graph_app_only") return d;
  return [...d.filter((s) => !OIDC.includes(s)), identityScope(hosts), ...OIDC];
}

export function appOnlyScope(profile: TScopeProfile, hosts: TCloudHosts): string | null {
  if (profile === "graph_app_only") return `${hosts.graphResource}/.default`;
  if (profile === "exchange_app_only") return `${hosts.outlookResource}/.default`;
  return null;
}

export function adminConsentScopes(profile: TScopeProfile, hosts: TCloudHosts): string[] {
  const app = appOnlyScope(profile, hosts);
  if (app) return [app];
  return authorizeScopes(profile, hosts).filter((s) => !OIDC.includes(s));
}

const WHY: Record<string, string> = {
  "IMAP.AccessAsUser.All": "Read the mailbox over IMAP as the signed-in user.",
  "POP.AccessAsUser.All": "Read the mailbox over POP3 as the signed-in user.",
  "SMTP.Send": "Send mail over SMTP AUTH as the signed-in user.",
  "Mail.ReadWrite": "Read mail and mark or move it after processing.",
  "Mail.Send": "Send mail as the signed-in user.",
  "Mail.ReadWrite.Shared": "Read shared mailboxes the user has FullAccess to.",
  "Mail.Send.Shared": "Send as shared mailboxes the user has SendAs on.",
  "User.Read":
    "Know who signed in and which addresses are theirs, so Connect accepts aliases and a sign-in name that differs from the address.",
  offline_access: "Keep access with refresh tokens, so nobody signs in again.",
  openid: "Sign the user in.",
  profile: "Read the user's name.",
  email: "Read the user's email address.",
};

// The blades follow Microsoft's "Authenticate an IMAP, POP or SMTP connection using OAuth"
// (learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth):
// the delegated IMAP/POP/SMTP permissions are listed under Microsoft Graph, the application ones
// under APIs my organization uses → Office 365 Exchange Online.
const BLADE_GRAPH_DELEGATED = "Microsoft Graph → Delegated permissions";
const BLADE_GRAPH_APPLICATION = "Microsoft Graph → Application permissions";
const BLADE_EXO_APPLICATION = "APIs my organization uses → Office 365 Exchange Online → Application permissions";

export function azurePermissions(profile: TScopeProfile): TPermission[] {
  const graphOidc: TPermission[] = OIDC.map((n) => ({
    api: "Microsoft Graph",
    name: n,
    type: "Delegated",
    adminConsentRequired: false,
    why: WHY[n],
    blade: BLADE_GRAPH_DELEGATED,
  }));
  if (profile === "graph_app_only") {
    const app = (name: string, why: string): TPermission => ({
      api: "Microsoft Graph",
      name,
      type: "Application",
      adminConsentRequired: true,
      why,
      blade: BLADE_GRAPH_APPLICATION,
    });
    return [
      app(
        "Mail.ReadWrite",
        "Read and update mail without a signed-in user. Consented in Entra it covers EVERY mailbox of the tenant; to limit it, leave it out and grant Application Mail.ReadWrite through RBAC for Applications instead (the checklist shows how).",
      ),
      app("Mail.Send", "Send mail as mailboxes without a signed-in user (tenant-wide when consented in Entra, like Mail.ReadWrite)."),
    ];
  }
  if (profile === "exchange_app_only") {
    const app = (name: string, why: string): TPermission => ({
      api: "Office 365 Exchange Online",
      name,
      type: "Application",
      adminConsentRequired: true,
      why,
      blade: BLADE_EXO_APPLICATION,
    });
    return [
      app("IMAP.AccessAsApp", "Read mailboxes over IMAP as the app. Exchange still needs the mailbox's FullAccess for the app."),
      app("POP.AccessAsApp", "Read mailboxes over POP3 as the app. Exchange still needs the mailbox's FullAccess for the app."),
      app("SMTP.SendAsApp", "Send over SMTP AUTH as the app, from the mailboxes Exchange lets it use."),
    ];
  }
  if (profile === "graph")
    return [
      ...GRAPH_DELEGATED.map((n): TPermission => ({
        api: "Microsoft Graph",
        name: n,
        type: "Delegated",
        adminConsentRequired: false,
        why: WHY[n],
        blade: BLADE_GRAPH_DELEGATED,
      })),
      ...graphOidc,
    ];
  return [
    ...OUTLOOK[profile].map((n): TPermission => ({
      api: "Microsoft Graph",
      name: n,
      type: "Delegated",
      adminConsentRequired: false,
      why: WHY[n],
      blade: BLADE_GRAPH_DELEGATED,
    })),
    {
      api: "Microsoft Graph",
      name: "User.Read",
      type: "Delegated",
      adminConsentRequired: false,
      why: WHY["User.Read"],
      blade: BLADE_GRAPH_DELEGATED,
    },
    ...graphOidc,
  ];
}

export function resourceForProtocol(protocol: "imap" | "pop" | "smtp" | "graph", hosts: TCloudHosts): string {
  return protocol === "graph" ? hosts.graphResource : hosts.outlookResource;
}

/** The granted scopes of one resource, for a refresh request (one resource per token). */
export function scopesForResource(resource: string, grantedScopes: string[]): string[] {
  const prefix = `${resource.replace(/\/$/, "")}/`;
  const own = grantedScopes.filter((s) => s.startsWith(prefix)).map((s) => s);
  // Grants may record bare scope names (as the token response's scp does): qualify them.
  const bare = grantedScopes.filter((s) => !s.includes("/") && !OIDC.includes(s)).map((s) => `${prefix}${s}`);
  const out = [...new Set([...own, ...bare])];
  return [...(out.length ? out : [`${prefix}.default`]), "offline_access"];
}
