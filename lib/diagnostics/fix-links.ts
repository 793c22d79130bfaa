// Where each fix is done, as links straight to the right blade: the app registration's
// Authentication, API permissions or Certificates & secrets, the sign-in logs, Conditional Access,
// the user, or the Exchange admin center's mailboxes and mail flow. Keyed by catalog code (a code
// with no place to go has no entry), built for the tenant's cloud with its directory in the URL.
// Pure data and string building: the server, the browser and tests import it alike.
//
// Portal hosts per cloud (public sources):
//  - Microsoft Entra admin center: entra.microsoft.com, entra.microsoft.us (GCC High and DoD),
//    entra.microsoft.cn (21Vianet) — maester365/maester Get-MtAdminPortalUrl.ps1;
//    the directory goes in the path (https://entra.microsoft.com/<tenant>).
//  - Exchange admin center: admin.exchange.microsoft.com; GCC High admin.exchange.office365.us
//    (Microsoft Learn, "What's new in the Exchange admin center in Exchange Online", September 2021:
//    "The EAC URL for GCC-H customers is https://admin.exchange.office365.us");
//    DoD admin.exchange.apps.mil. No public source names 21Vianet's new EAC host, so China gets no
//    Exchange link rather than a guessed one. `delegatedOrg` opens a customer's organization.
import type { TCloud } from "../microsoft/clouds";

export type TFixLinkPlace =
  | "app_authentication"
  | "app_api_permissions"
  | "app_secrets"
  | "enterprise_apps"
  | "sign_in_logs"
  | "conditional_access"
  | "user"
  | "exchange_mailboxes"
  | "exchange_mail_flow";

export type TFixLink = { place: TFixLinkPlace; label: string; url: string };

export type TFixLinkContext = {
  cloud: TCloud;
  /** The customer's directory (tenant) id; without it no link is built (it would open the wrong directory). */
  directoryId: string | null;
  /** The tenant's primary domain, for the Exchange admin center's delegatedOrg (its id when unknown). */
  domain?: string | null;
  /** The app registration's client id (application id). */
  clientId?: string | null;
  /** The signed-in user's object id, when a grant exists. */
  userObjectId?: string | null;
  /** DoD tenants use the DoD Exchange admin center; usgov otherwise means GCC High. */
  usgovDod?: boolean;
};

const ENTRA: Record<TCloud, string> = {
  global: "https://entra.microsoft.com",
  // The sandbox mirrors Microsoft's global cloud, so its links are the global cloud's.
  sandbox: "https://entra.microsoft.com",
  usgov: "https://entra.microsoft.us",
  china: "https://entra.microsoft.cn",
};

const EXCHANGE: Record<TCloud, string | null> = {
  global: "https://admin.exchange.microsoft.com",
  sandbox: "https://admin.exchange.microsoft.com",
  usgov: "https://admin.exchange.office365.us",
  china: null,
};
const EXCHANGE_DOD = "https://admin.exchange.apps.mil";

const LABELS: Record<TFixLinkPlace, string> = {
  app_authentication: "App registration → Authentication (redirect URIs)",
  app_api_permissions: "App registration → API permissions",
  app_secrets: "App registration → Certificates & secrets",
  enterprise_apps: "Enterprise applications (consent and sign-in settings)",
  sign_in_logs: "Sign-in logs (filter by this user)",
  conditional_access: "Conditional Access policies",
  user: "The user in Microsoft Entra (sign-in, password, MFA)",
  exchange_mailboxes: "Exchange admin center → Mailboxes (licence, IMAP/POP/SMTP AUTH, delegation)",
  exchange_mail_flow: "Exchange admin center → Mail flow rules",
};

/** Which places fix each catalog code, most useful first. Codes missing here have no link. */
export const FIX_PLACES: Record<string, readonly TFixLinkPlace[]> = {
  secret_invalid: ["app_secrets"],
  secret_expired: ["app_secrets"],
  secret_missing: ["app_secrets"],
  secret_expiring: ["app_secrets"],
  refresh_token_inactive: ["sign_in_logs"],
  refresh_token_revoked: ["user", "sign_in_logs"],
  consent_missing: ["app_api_permissions", "enterprise_apps"],
  consent_declined: ["app_api_permissions"],
  admin_approval_required: ["enterprise_apps", "app_api_permissions"],
  redirect_uri_mismatch: ["app_authentication"],
  app_not_found_in_tenant: ["enterprise_apps"],
  admin_consent_wrong_tenant: ["enterprise_apps"],
  admin_consent_unconfirmed: ["enterprise_apps", "app_api_permissions"],
  mfa_required: ["conditional_access", "sign_in_logs"],
  conditional_access_blocked: ["conditional_access", "sign_in_logs"],
  sign_in_frequency: ["conditional_access", "sign_in_logs"],
  invalid_scope: ["app_api_permissions"],
  resource_not_found_in_tenant: ["enterprise_apps"],
  user_not_in_tenant: ["sign_in_logs"],
  user_disabled: ["user"],
  bad_password: ["user", "sign_in_logs"],
  smtp_auth_disabled: ["exchange_mailboxes"],
  delegate_lacks_send_as: ["exchange_mailboxes"],
  smtp_auth_failed: ["exchange_mailboxes", "sign_in_logs"],
  wrong_user_signed_in: ["sign_in_logs"],
  delegate_lacks_full_access: ["exchange_mailboxes"],
  mailbox_unlicensed_or_imap_disabled: ["exchange_mailboxes"],
  shared_address_misused: ["exchange_mailboxes"],
  imap_not_connected: ["exchange_mailboxes"],
  imap_auth_failed: ["exchange_mailboxes", "sign_in_logs"],
  pop_auth_failed: ["exchange_mailboxes", "sign_in_logs"],
  graph_mailbox_not_enabled: ["exchange_mailboxes"],
  graph_access_denied: ["app_api_permissions", "exchange_mailboxes"],
  graph_invalid_user: ["exchange_mailboxes"],
  message_too_large: ["exchange_mail_flow"],
};

const enc = encodeURIComponent;

function urlFor(place: TFixLinkPlace, c: TFixLinkContext): string | null {
  if (!c.directoryId) return null;
  const entra = `${ENTRA[c.cloud]}/${enc(c.directoryId)}/#view`;
  const app = c.clientId ? `${entra}/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~` : null;
  const appTail = c.clientId ? `/appId/${enc(c.clientId)}/isMSAApp~/false` : "";
  const eacHost = c.cloud === "usgov" && c.usgovDod ? EXCHANGE_DOD : EXCHANGE[c.cloud];
  const eac = eacHost ? `${eacHost}/?delegatedOrg=${enc(c.domain || c.directoryId)}` : null;
  switch (place) {
    case "app_authentication":
      return app && `${app}/Authentication${appTail}`;
    case "app_api_permissions":
      return app && `${app}/CallAnAPI${appTail}`;
    case "app_secrets":
      return app && `${app}/Credentials${appTail}`;
    case "enterprise_apps":
      return `${entra}/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AppAppsPreview`;
    case "sign_in_logs":
      return `${entra}/Microsoft_AAD_IAM/SignInEventsV3Blade`;
    case "conditional_access":
      return `${entra}/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies`;
    case "user":
      return c.userObjectId ? `${entra}/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${enc(c.userObjectId)}` : null;
    case "exchange_mailboxes":
      return eac && `${eac}#/mailboxes`;
    case "exchange_mail_flow":
      return eac && `${eac}#/transportrules`;
  }
}

/** The links that fix `code` for this tenant, in the catalog's order; empty when there is no place to go. */
export function fixLinks(code: string | null | undefined, c: TFixLinkContext): TFixLink[] {
  if (!code) return [];
  const out: TFixLink[] = [];
  for (const place of FIX_PLACES[code] ?? []) {
    const url = urlFor(place, c);
    if (url) out.push({ place, label: LABELS[place], url });
  }
  return out;
}
