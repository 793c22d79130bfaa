// The diagnosis catalog: every failure Consentry recognizes, as data. The UI, the worker and the
// support bundle read it; only classify.ts evaluates its match rules. Order matters: the first
// matching entry wins, so specific rules come before general ones.
// `onRefresh`: how a refresh-token redemption failing with these codes is treated (the grant is
// dead: re-consent; or the app itself is broken: fix the app). Absent: decided by the OAuth error.
export type TRefreshFailure = "permanent_grant" | "permanent_client";

export type TMatchRule =
  | { aadsts: number[]; onRefresh?: TRefreshFailure }
  | { error: string[]; source?: string[] }
  | { smtp: { enhanced?: string; code?: number; textIncludes?: string } }
  | { graphCode: string[] }
  | { graphStatus: number[] }
  | { imap: "auth_failed" | "not_connected" | "throttled" | "connection_limit" | "bye" }
  | { pop: "auth_failed" }
  | { network: "tls" | "any" }
  | { status: number[] };

export type TAction = "send_reconsent_link" | "retry_now" | "test_again" | "rotate_secret" | "request_org_consent" | "fix_redirect_uri";

type TEntryDef = {
  code: string;
  title: string;
  cause: string;
  fixSteps: string[];
  retryable: boolean;
  transient?: boolean;
  severity?: "info" | "warning" | "error";
  action?: TAction;
  docsUrl?: string;
  match: TMatchRule[];
};

const AADSTS_DOCS = "https://learn.microsoft.com/entra/identity-platform/reference-error-codes";
const RECONSENT = "Send the mailbox owner a re-consent link (or press Re-connect) and have them sign in again.";

const DEFS = [
  {
    code: "secret_invalid",
    title: "Client secret is wrong",
    cause: "Microsoft rejected the app's client secret. The most common reason is that the secret's ID was pasted instead of its Value.",
    fixSteps: [
      "Azure portal → App registrations → the app → Certificates & secrets → New client secret.",
      "Copy the Value column right away (Azure shows it only once), not the Secret ID.",
      "In Consentry, open the app and use Rotate secret to paste the new value.",
    ],
    retryable: false,
    action: "rotate_secret",
    match: [{ aadsts: [7000215], onRefresh: "permanent_client" }],
  },
  {
    code: "secret_expired",
    title: "Client secret has expired",
    cause: "The app's client secret passed its expiry date; every mailbox on this app stops refreshing tokens.",
    fixSteps: [
      "Azure portal → App registrations → the app → Certificates & secrets → New client secret (up to 24 months).",
      "In Consentry, open the app and use Rotate secret to paste the new value; mailboxes pick it up at once.",
    ],
    retryable: false,
    action: "rotate_secret",
    match: [{ aadsts: [7000222], onRefresh: "permanent_client" }],
  },
  {
    code: "secret_missing",
    title: "No client secret was sent",
    cause: "The app has no secret configured in Consentry.",
    fixSteps: ["Open the app in Consentry and add its client secret value."],
    retryable: false,
    action: "rotate_secret",
    match: [{ aadsts: [7000218], onRefresh: "permanent_client" }],
  },
  {
    code: "secret_expiring",
    title: "Client secret expires soon",
    cause: "The app's client secret expires within 30 days. When it does, every mailbox on the app stops working.",
    fixSteps: [
      "Create a new secret in Azure (Certificates & secrets → New client secret).",
      "Use Rotate secret in Consentry: it verifies the new value before switching.",
    ],
    retryable: false,
    severity: "warning",
    action: "rotate_secret",
    match: [],
  },
  {
    code: "refresh_token_inactive",
    title: "Refresh token expired from inactivity",
    cause: "Microsoft expires refresh tokens that go unused for 90 days (or an authorization code that waited too long).",
    fixSteps: [RECONSENT, "Keep a worker running: Consentry refreshes every grant at least weekly so this doesn't recur."],
    retryable: false,
    action: "send_reconsent_link",
    match: [{ aadsts: [700082, 70008], onRefresh: "permanent_grant" }],
  },
  {
    code: "refresh_token_revoked",
    title: "Access was revoked",
    cause: "The user's sessions were revoked or an admin reset their password, which revokes the app's refresh tokens.",
    fixSteps: [RECONSENT],
    retryable: false,
    action: "send_reconsent_link",
    match: [{ aadsts: [50173, 50132, 50133], onRefresh: "permanent_grant" }],
  },
  {
    code: "consent_missing",
    title: "Consent is missing",
    cause: "Nobody (neither the user nor an admin) has consented to the permissions the app is asking for, or consent was removed.",
    fixSteps: ["Request organization consent from the customer's admin, or", RECONSENT],
    retryable: false,
    action: "request_org_consent",
    match: [
      { aadsts: [65001], onRefresh: "permanent_grant" },
      { error: ["consent_required"], source: ["token"] },
    ],
  },
  {
    code: "consent_declined",
    title: "Consent was declined",
    cause: "The person who signed in pressed Cancel on Microsoft's consent screen.",
    fixSteps: [
      "Explain what the permissions are for and send the link again.",
      "Or ask the customer's admin to grant consent for the organization.",
    ],
    retryable: true,
    action: "send_reconsent_link",
    match: [{ aadsts: [65004] }, { error: ["access_denied", "consent_required"], source: ["authorize", "admin_consent"] }],
  },
  {
    code: "admin_approval_required",
    title: "An administrator must approve the app",
    cause: 'The tenant doesn\'t let users consent to this app (or a permission needs an admin), so Microsoft showed "Need admin approval".',
    fixSteps: [
      "Send the customer's Global Administrator an organization-consent link from the tenant page.",
      "After they approve, connect the mailbox again: no consent prompt will appear.",
    ],
    retryable: false,
    action: "request_org_consent",
    match: [{ aadsts: [90094, 900941, 90008] }],
  },
  {
    code: "redirect_uri_mismatch",
    title: "Redirect URI isn't registered",
    cause: "The redirect URI Consentry sent isn't in the app's list of redirect URIs in Azure.",
    fixSteps: [
      "Azure portal → App registrations → the app → Authentication → Add a platform → Web.",
      "Paste the redirect URI shown on the app's page in Consentry (use its Copy button) and save.",
    ],
    retryable: false,
    action: "fix_redirect_uri",
    match: [{ aadsts: [50011] }],
  },
  {
    code: "app_not_found_in_tenant",
    title: "App isn't in the customer's tenant",
    cause:
      "The client ID doesn't exist in this directory: a single-tenant app from another tenant, a multi-tenant app nobody consented to here, or a typo.",
    fixSteps: [
      "Check the Application (client) ID on the app's Overview page in Azure.",
      "For a multi-tenant app, have the customer's admin grant organization consent first.",
      "Check that the tenant's directory ID is right.",
    ],
    retryable: false,
    action: "request_org_consent",
    match: [{ aadsts: [700016], onRefresh: "permanent_client" }],
  },
  {
    code: "admin_consent_wrong_tenant",
    title: "Consent came back from another organization",
    cause:
      "Microsoft's answer named a different directory than this customer's tenant (an administrator of another organization signed in, or the answer was altered), so Consentry did not record consent.",
    fixSteps: [
      "Open the consent link in a private window and sign in as a Global Administrator of this customer's own tenant.",
      "If the tenant's directory ID in Consentry is wrong, correct it on the tenant's page, then request consent again.",
    ],
    retryable: true,
    action: "request_org_consent",
    match: [],
  },
  {
    code: "admin_consent_unconfirmed",
    title: "Consent couldn't be confirmed",
    cause:
      "The answer said organization consent was granted, but it named no valid directory, or Microsoft wouldn't issue the app a token in that directory, so Consentry did not record it.",
    fixSteps: [
      "Request organization consent again and finish it on Microsoft's page.",
      'Entra admin center → Enterprise applications: check that the app is listed and its permissions show "Granted for" the organization.',
    ],
    retryable: true,
    action: "request_org_consent",
    match: [],
  },
  {
    code: "tenant_not_found",
    title: "Tenant doesn't exist",
    cause: "Microsoft doesn't know this directory ID or domain in this cloud.",
    fixSteps: [
      "Check the directory (tenant) ID in the Entra admin center → Overview.",
      "Check the tenant's cloud (Global, US Government, China).",
    ],
    retryable: false,
    match: [{ aadsts: [90002] }, { error: ["invalid_tenant"] }],
  },
  {
    code: "mfa_required",
    title: "Multi-factor authentication is now required",
    cause: "A policy now requires MFA for this sign-in, so the old grant can't be refreshed silently.",
    fixSteps: [RECONSENT, "The user completes MFA during that sign-in."],
    retryable: false,
    action: "send_reconsent_link",
    match: [{ aadsts: [50076, 50079], onRefresh: "permanent_grant" }],
  },
  {
    code: "conditional_access_blocked",
    title: "Blocked by Conditional Access",
    cause: "A Conditional Access policy in the customer's tenant blocks token issuance for this app or location.",
    fixSteps: [
      "Entra admin center → Protection → Conditional Access: find the policy that blocks the app (sign-in logs show which).",
      "Exclude the app or the service location, then re-connect.",
    ],
    retryable: false,
    match: [{ aadsts: [53003], onRefresh: "permanent_grant" }],
  },
  {
    code: "sign_in_frequency",
    title: "Sign-in frequency forces a new sign-in",
    cause: "A Conditional Access sign-in frequency policy (often 15 to 90 days) requires the user to sign in again.",
    fixSteps: [RECONSENT, "Or exclude this app from the sign-in frequency policy."],
    retryable: false,
    action: "send_reconsent_link",
    match: [{ aadsts: [70043], onRefresh: "permanent_grant" }],
  },
  {
    code: "code_reused",
    title: "Sign-in code was used twice",
    cause: "The same authorization code was redeemed twice (a reload or a double submit).",
    fixSteps: ["Start the sign-in again."],
    retryable: true,
    match: [{ aadsts: [54005], onRefresh: "permanent_grant" }],
  },
  {
    code: "pkce_mismatch",
    title: "The sign-in couldn't be verified",
    cause: "The PKCE code verifier didn't match: the sign-in was finished in a different session than it started.",
    fixSteps: ["Start again and finish in the same browser window."],
    retryable: true,
    match: [{ aadsts: [501481] }],
  },
  {
    code: "invalid_scope",
    title: "A requested permission isn't valid",
    cause: "Microsoft rejected a scope in the request.",
    fixSteps: ["Check the app's scope profile, and that the permissions are added in Azure."],
    retryable: false,
    match: [{ aadsts: [70000], onRefresh: "permanent_grant" }, { aadsts: [70011, 1002012] }, { error: ["invalid_scope"] }],
  },
  {
    code: "resource_not_found_in_tenant",
    title: "API isn't available in the tenant",
    cause: "The resource (for example Exchange Online) has no service principal in the tenant, typically with no Exchange licence at all.",
    fixSteps: ["Check that the tenant has Exchange Online.", "Have an admin grant consent for the organization."],
    retryable: false,
    match: [{ aadsts: [500011] }],
  },
  {
    code: "user_not_in_tenant",
    title: "The account isn't in this tenant",
    cause: "Someone signed in with an account from another organization.",
    fixSteps: ["Sign in with an account of the customer's tenant (use a private window)."],
    retryable: true,
    match: [{ aadsts: [50020] }],
  },
  {
    code: "user_disabled",
    title: "The account is disabled",
    cause: "The user account is blocked from signing in.",
    fixSteps: ["Microsoft 365 admin center → Users → unblock sign-in, then re-connect."],
    retryable: false,
    match: [{ aadsts: [50057] }],
  },
  {
    code: "bad_password",
    title: "Wrong password",
    cause: "Microsoft rejected the password.",
    fixSteps: ["Sign in again with the right password."],
    retryable: true,
    match: [{ aadsts: [50126] }],
  },
  {
    code: "malformed_grant",
    title: "The stored token is malformed",
    cause: "The refresh token or code was damaged in transit or storage.",
    fixSteps: [RECONSENT],
    retryable: false,
    action: "send_reconsent_link",
    match: [{ aadsts: [9002313], onRefresh: "permanent_grant" }],
  },
  {
    code: "smtp_auth_disabled",
    title: "SMTP AUTH is turned off",
    cause:
      "Exchange answered 535 5.7.139: authenticated SMTP submission is disabled for the tenant or for this mailbox (security defaults also turn it off).",
    fixSteps: [
      "Per mailbox: Microsoft 365 admin center → Users → the user → Mail → Manage email apps → tick Authenticated SMTP, or `Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false`.",
      "Tenant-wide: `Set-TransportConfig -SmtpClientAuthenticationDisabled $false` (the mailbox setting wins when it is not $null).",
      "Or send through Microsoft Graph instead of SMTP.",
    ],
    retryable: false,
    action: "test_again",
    match: [{ smtp: { enhanced: "5.7.139", textIncludes: "SmtpClientAuthentication" } }],
  },
  {
    code: "delegate_lacks_send_as",
    title: "The delegate can't send as this address",
    cause:
      "Exchange refused to send from the shared address: the signed-in delegate holds no SendAs right on it (SMTP: 554 5.2.252 SendAsDenied, or 550 5.7.60 on older tenants; Microsoft Graph: ErrorSendAsDenied). FullAccess doesn't include it, and Send on Behalf isn't enough: Consentry sends with the shared address as From.",
    fixSteps: [
      "Exchange admin center → Recipients → Mailboxes → the shared mailbox → Delegation → Send as → Edit → add the delegate, or `Add-RecipientPermission -Identity <shared> -Trustee <delegate> -AccessRights SendAs`.",
      "Allow up to an hour to propagate, then test again.",
    ],
    retryable: false,
    action: "test_again",
    docsUrl: "https://learn.microsoft.com/powershell/module/exchangepowershell/add-recipientpermission",
    // Current Exchange Online: 554 5.2.252 SendAsDenied; … (older: 554 5.2.0 STOREDRV…SendAsDeniedException);
    // older tenants: 550 5.7.60 SMTP; Client does not have permissions to send as this sender.
    // Graph: 403 ErrorSendAsDenied (before the generic 403 of graph_access_denied).
    match: [
      { smtp: { enhanced: "5.2.252" } },
      { smtp: { enhanced: "5.7.60" } },
      { smtp: { textIncludes: "SendAsDenied" } },
      { graphCode: ["ErrorSendAsDenied"] },
    ],
  },
  {
    code: "mailbox_full",
    title: "The mailbox is full",
    cause:
      "Exchange refused to send because the mailbox is over its quota (SMTP: 554 5.2.2 mailbox full; Microsoft Graph: ErrorQuotaExceeded). Sent mail is stored in the mailbox's Sent Items, so a full mailbox can't send.",
    fixSteps: [
      "Free space in the mailbox (empty Deleted Items and Sent Items, or add a retention policy), or give it a larger licence.",
      "Then test again.",
    ],
    retryable: false,
    action: "test_again",
    docsUrl: "https://learn.microsoft.com/exchange/troubleshoot/send-emails/smtp-submission-improvements",
    match: [{ smtp: { enhanced: "5.2.2", textIncludes: "QuotaExceeded" } }, { graphCode: ["ErrorQuotaExceeded"] }],
  },
  {
    code: "smtp_auth_failed",
    title: "SMTP rejected the token",
    cause: "Exchange answered 535 5.7.3: the token is invalid, expired, for the wrong audience, or lacks SMTP.Send.",
    fixSteps: [
      "Check the app has the delegated permission SMTP.Send (Azure: API permissions → Microsoft Graph → Delegated permissions).",
      RECONSENT,
    ],
    retryable: false,
    action: "send_reconsent_link",
    match: [{ smtp: { enhanced: "5.7.3" } }, { smtp: { code: 535 } }],
  },
  {
    code: "wrong_user_signed_in",
    title: "The wrong account is connected",
    cause: 'The token belongs to a different user than the mailbox, so Exchange answers "User is authenticated but not connected".',
    fixSteps: ["Re-connect and sign in as the mailbox's own user (or, for a shared mailbox, its delegate), in a private window."],
    retryable: false,
    action: "send_reconsent_link",
    match: [],
  },
  {
    code: "delegate_lacks_full_access",
    title: "The delegate has no FullAccess",
    cause:
      'The delegate signed in correctly, but holds no FullAccess on the shared mailbox, so Exchange won\'t open it (IMAP: "User is authenticated but not connected"; Microsoft Graph: ErrorAccessDenied).',
    fixSteps: [
      "Exchange admin center → Recipients → Mailboxes → the shared mailbox → Delegation → Read and manage (Full Access) → Edit → add the delegate, or `Add-MailboxPermission -Identity <shared> -User <delegate> -AccessRights FullAccess -InheritanceType All`.",
      "Allow up to an hour to propagate, then test again.",
    ],
    retryable: false,
    action: "test_again",
    docsUrl: "https://learn.microsoft.com/powershell/module/exchangepowershell/add-mailboxpermission",
    match: [],
  },
  {
    code: "mailbox_unlicensed_or_imap_disabled",
    title: "Mailbox unlicensed, or IMAP/POP turned off",
    cause: "The mailbox has no Exchange Online licence, or IMAP/POP is disabled for it.",
    fixSteps: [
      "Microsoft 365 admin center → Users → the user → Licenses: assign one with Exchange Online.",
      "Mail → Manage email apps → tick IMAP (or POP), or `Set-CASMailbox -Identity <mailbox> -ImapEnabled $true`.",
    ],
    retryable: false,
    action: "test_again",
    match: [],
  },
  {
    code: "shared_address_misused",
    title: "Shared mailbox address used to sign in",
    cause:
      "Someone signed in with the shared mailbox's own account. That account isn't meant to sign in (its password is unknown and it should be blocked), and Exchange won't open the mailbox for it even when the sign-in works. The delegate signs in with their own account, and the shared address is only named as the mailbox to open (IMAP user=, Graph /users/<shared>).",
    fixSteps: [
      "Set the mailbox's delegate to the person who will sign in (not the shared address).",
      "Re-connect, and on Microsoft's page sign in as that delegate.",
    ],
    retryable: false,
    action: "send_reconsent_link",
    docsUrl: "https://learn.microsoft.com/microsoft-365/lighthouse/m365-lighthouse-block-signin-shared-mailboxes",
    match: [],
  },
  {
    code: "shared_mailbox_over_size_limit",
    title: "Shared mailbox is over its 50 GB limit without a licence",
    cause:
      "A shared mailbox without a licence holds at most 50 GB. This one is full, so Exchange refuses to send from it (and to deliver to it).",
    fixSteps: [
      "Microsoft 365 admin center → Users → Active users → the shared mailbox's account → Licenses: assign Exchange Online Plan 2 (or a plan that includes it).",
      "Or free space in the mailbox (Deleted Items, Sent Items), then test again.",
    ],
    retryable: false,
    action: "test_again",
    docsUrl: "https://learn.microsoft.com/microsoft-365/admin/email/remove-license-from-shared-mailbox",
    match: [],
  },
  {
    code: "shared_mailbox_not_in_exchange_online",
    title: "Shared mailbox isn't in Exchange Online",
    cause:
      'The shared mailbox lives on an on-premises Exchange server (a hybrid setup) or is inactive, so Exchange Online can\'t open it: Microsoft Graph answers MailboxNotEnabledForRESTAPI and IMAP "User is authenticated but not connected".',
    fixSteps: [
      "Exchange admin center → Migration: move the shared mailbox to Exchange Online (a remote move in a hybrid setup).",
      "Until it moves, Consentry can't reach it through Microsoft 365.",
    ],
    retryable: false,
    action: "test_again",
    docsUrl:
      "https://learn.microsoft.com/exchange/troubleshoot/user-and-shared-mailboxes/rest-api-is-not-yet-supported-for-this-mailbox-error",
    match: [],
  },
  {
    code: "imap_not_connected",
    title: '"User is authenticated but not connected"',
    cause:
      "Exchange accepted the token but the user has no rights on the mailbox: the wrong user signed in, a delegate lacks FullAccess, the mailbox is unlicensed, or IMAP is off for it.",
    fixSteps: [
      "Check that the account shown under Authorized as is the mailbox (or its delegate).",
      "Check licence, IMAP and FullAccess as described for each cause.",
    ],
    retryable: false,
    match: [{ imap: "not_connected" }],
  },
  {
    code: "imap_throttled",
    title: "IMAP is throttling this mailbox",
    cause: "Exchange asked the client to back off (too many connections or commands).",
    fixSteps: ["Consentry backs off automatically. Reduce other IMAP clients on this mailbox."],
    retryable: true,
    transient: true,
    match: [{ imap: "throttled" }],
  },
  {
    code: "imap_auth_failed",
    title: "IMAP rejected the token",
    cause:
      "Exchange answered NO AUTHENTICATE failed: the token is invalid, expired, for the wrong audience (a Graph token), or lacks IMAP.AccessAsUser.All.",
    fixSteps: ["Check the app has IMAP.AccessAsUser.All (Azure: API permissions → Microsoft Graph → Delegated permissions).", RECONSENT],
    retryable: false,
    action: "send_reconsent_link",
    match: [{ imap: "auth_failed" }],
  },
  {
    code: "pop_auth_failed",
    title: "POP rejected the token",
    cause: "Exchange refused AUTH XOAUTH2 for POP3.",
    fixSteps: ["Check the app has POP.AccessAsUser.All and POP is enabled for the mailbox.", RECONSENT],
    retryable: false,
    match: [{ pop: "auth_failed" }],
  },
  {
    code: "imap_dropped",
    title: "The IMAP server closed the connection",
    cause: "The connection ended mid-session.",
    fixSteps: ["Consentry retries automatically and resumes where it stopped."],
    retryable: true,
    transient: true,
    match: [{ imap: "bye" }],
  },
  {
    code: "imap_uidvalidity_changed",
    title: "The folder was rebuilt (UIDVALIDITY changed)",
    cause: "Exchange reset the folder's UIDs. Consentry resynchronizes without storing messages twice.",
    fixSteps: ["Nothing to do; the next sync rebuilds its position."],
    retryable: true,
    transient: true,
    severity: "info",
    match: [],
  },
  {
    code: "imap_connection_limit",
    title: "Too many IMAP connections",
    cause:
      "Exchange refused the sign-in with its back-off reply: the mailbox already has as many IMAP connections open as Exchange allows (20 per mailbox), from Consentry and other clients together.",
    fixSteps: ["Close other IMAP clients using this mailbox; Consentry waits the time Exchange asked for, then retries."],
    retryable: true,
    transient: true,
    match: [{ imap: "connection_limit" }],
  },
  {
    code: "graph_throttled",
    title: "Microsoft Graph is throttling",
    cause: "Graph answered 429: too many requests or more than 4 concurrent requests for this mailbox.",
    fixSteps: ["Consentry waits for Retry-After and continues."],
    retryable: true,
    transient: true,
    match: [{ graphStatus: [429] }, { graphCode: ["ApplicationThrottled", "TooManyRequests"] }],
  },
  {
    code: "graph_delta_expired",
    title: "Graph sync state expired",
    cause: "Graph no longer knows the delta token (syncStateNotFound / 410); a full resync runs without duplicates.",
    fixSteps: ["Nothing to do; the next sync starts over and skips messages already stored."],
    retryable: true,
    transient: true,
    severity: "info",
    match: [{ graphCode: ["syncStateNotFound", "SyncStateInvalid", "resyncRequired"] }, { graphStatus: [410] }],
  },
  {
    code: "graph_mailbox_not_enabled",
    title: "Mailbox isn't enabled for Graph",
    cause: "MailboxNotEnabledForRESTAPI: the mailbox has no Exchange Online licence, is inactive, or is on-premises.",
    fixSteps: ["Assign an Exchange Online licence to the user (Microsoft 365 admin center → Users → Licenses)."],
    retryable: false,
    match: [{ graphCode: ["MailboxNotEnabledForRESTAPI"] }],
  },
  {
    code: "graph_invalid_token",
    title: "Graph rejected the token",
    cause: "InvalidAuthenticationToken: expired, malformed, or for the wrong audience (an Outlook token sent to Graph).",
    fixSteps: ["Consentry refreshes and retries once; if it persists, re-connect the mailbox."],
    retryable: true,
    match: [{ graphCode: ["InvalidAuthenticationToken"] }],
  },
  {
    code: "graph_access_denied",
    title: "Graph denied access",
    cause:
      "ErrorAccessDenied: the token lacks the permission, a shared mailbox needs FullAccess plus Mail.Read.Shared, or an application access policy blocks the app.",
    fixSteps: ["Check the app's Graph permissions and admin consent.", "For a shared mailbox, grant the delegate FullAccess."],
    retryable: false,
    match: [{ graphCode: ["ErrorAccessDenied", "Authorization_RequestDenied"] }, { graphStatus: [403] }],
  },
  // App-only (client credentials) mailboxes. Exchange answers every refusal of an app token the same
  // way (IMAP "authenticated but not connected", POP/SMTP authentication failure, Graph 403), so
  // classify.ts tells them apart with what Consentry knows: the token's roles and whether the app
  // already opens another mailbox of the tenant. `<appId>`, `<spObjectId>` and `<mailbox>` are
  // filled with the tenant's own values (fillAppOnlyFix) wherever the diagnosis is shown with them.
  {
    code: "app_only_missing_role",
    title: "The app lacks an application permission",
    cause:
      "The app's token has no role for this protocol: the application permission isn't on the app registration, or the tenant's admin hasn't consented to it.",
    fixSteps: [
      "Azure portal → App registrations → the app → API permissions → Add a permission → APIs my organization uses → Office 365 Exchange Online → Application permissions: IMAP.AccessAsApp, POP.AccessAsApp or SMTP.SendAsApp (whichever this mailbox uses).",
      "Then Grant admin consent (or send the customer's admin the organization consent link), and check step 1 of the mailbox's app-only checklist again.",
    ],
    retryable: false,
    action: "request_org_consent",
    docsUrl:
      "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth",
    match: [],
  },
  {
    code: "app_only_sp_not_registered",
    title: "Exchange doesn't know the app yet",
    cause:
      "Microsoft issued the app's token, but Exchange Online refuses it for every mailbox: the app's service principal isn't registered in Exchange (New-ServicePrincipal), or was registered with the app registration's object id instead of the enterprise application's.",
    fixSteps: [
      "In Exchange Online PowerShell (Connect-ExchangeOnline): New-ServicePrincipal -AppId <appId> -ObjectId <spObjectId>   (the enterprise application's object id, as in the app's token; not the app registration's).",
      "Then give it this mailbox: Add-MailboxPermission -Identity <mailbox> -User <spObjectId> -AccessRights FullAccess",
      "Test again (Exchange can take a few minutes to apply it).",
    ],
    retryable: false,
    action: "test_again",
    docsUrl:
      "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth",
    match: [],
  },
  {
    code: "app_only_no_mailbox_access",
    title: "The app has no access to this mailbox",
    cause:
      "Exchange knows the app (it opens other mailboxes of this tenant) but gives it nothing on this one: no FullAccess mailbox permission for IMAP/POP/SMTP, or the mailbox is outside the management scope of the app's RBAC for Applications role assignment.",
    fixSteps: [
      "IMAP, POP or SMTP: Add-MailboxPermission -Identity <mailbox> -User <spObjectId> -AccessRights FullAccess",
      "SMTP through RBAC for Applications instead: put <mailbox> in the scope of the app's Application SMTP.SendAsApp role assignment.",
      "Test again.",
    ],
    retryable: false,
    action: "test_again",
    docsUrl: "https://learn.microsoft.com/exchange/permissions-exo/application-rbac",
    match: [],
  },
  {
    code: "app_only_outside_scope",
    title: "Graph refused this mailbox to the app",
    cause:
      "Graph answered 403 ErrorAccessDenied for the app on this mailbox: it is outside the management scope of the app's RBAC for Applications role assignment, or the app has no Application Mail role for Exchange at all.",
    fixSteps: [
      "Put the mailbox in the app's scope, e.g. Set-Mailbox -Identity <mailbox> -CustomAttribute1 consentry (for a scope filtered on CustomAttribute1 -eq 'consentry'), or",
      `New-ManagementScope -Name "Consentry mailboxes" -RecipientRestrictionFilter "CustomAttribute1 -eq 'consentry'", then New-ManagementRoleAssignment -App <spObjectId> -Role "Application Mail.ReadWrite" -CustomResourceScope "Consentry mailboxes" (and "Application Mail.Send" to send).`,
      "The app's service principal must be registered first: New-ServicePrincipal -AppId <appId> -ObjectId <spObjectId>",
    ],
    retryable: false,
    action: "test_again",
    docsUrl: "https://learn.microsoft.com/exchange/permissions-exo/application-rbac",
    match: [],
  },
  {
    code: "graph_invalid_user",
    title: "Graph doesn't know this user",
    cause: "ErrorInvalidUser: the address doesn't resolve to a mailbox in the tenant.",
    fixSteps: ["Check the mailbox address."],
    retryable: false,
    match: [{ graphCode: ["ErrorInvalidUser", "Request_ResourceNotFound"] }],
  },
  {
    code: "graph_item_not_found",
    title: "Message or folder not found",
    cause: "ErrorItemNotFound: it was moved or deleted by someone else.",
    fixSteps: ["Nothing to do; the next sync catches up."],
    retryable: true,
    transient: true,
    severity: "info",
    match: [{ graphCode: ["ErrorItemNotFound", "ResourceNotFound"] }],
  },
  {
    code: "message_too_large",
    title: "A message was too large to store",
    cause:
      "The message is larger than Consentry stores per message (25 MB), so its summary (sender, subject, date, size) and a note were stored instead of its content. The mailbox keeps syncing; the original stays in the mailbox (after-processing leaves it alone).",
    fixSteps: [
      "Read the message in Outlook or the mailbox itself.",
      "If your helpdesk needs it, forward it without the large attachments.",
    ],
    retryable: false,
    severity: "warning",
    match: [],
  },
  {
    code: "message_not_stored",
    title: "A message couldn't be stored as received",
    cause:
      "The database refused a message's header values or content (for example an oversized Message-ID). Consentry stored it without them, with a note, and synced the messages after it normally.",
    fixSteps: [
      "Nothing blocks the mailbox. Read the message in the mailbox itself if you need it.",
      "If it keeps happening, export a support bundle: the event shows the database's reason.",
    ],
    retryable: false,
    severity: "warning",
    match: [],
  },
  {
    code: "legacy_endpoint",
    title: "A retired Microsoft endpoint is configured",
    cause: 'A v1 endpoint, Azure AD Graph or the retired Outlook REST API ("API version v2 has been deprecated") is in use.',
    fixSteps: ["Clear the endpoint override on the app: Consentry derives the v2 endpoints from the cloud and tenant."],
    retryable: false,
    match: [],
  },
  {
    code: "tls_error",
    title: "TLS certificate problem",
    cause: "The connection to Microsoft failed certificate verification (a proxy intercepting TLS, or a wrong host).",
    fixSteps: ["Check the network path and that no proxy rewrites TLS.", "Check the tenant's cloud."],
    retryable: true,
    transient: true,
    match: [{ network: "tls" }],
  },
  {
    code: "network_error",
    title: "Can't reach Microsoft",
    cause: "A network failure reaching Microsoft (DNS, connection refused or reset, timeout).",
    fixSteps: ["Consentry retries with backoff. If it persists, check the worker's outbound network."],
    retryable: true,
    transient: true,
    match: [{ network: "any" }],
  },
  {
    code: "microsoft_unavailable",
    title: "Microsoft is temporarily unavailable",
    cause: "The service answered 5xx, temporarily_unavailable or server_error.",
    fixSteps: ["Consentry retries with backoff; nothing to do unless it lasts hours (check status.cloud.microsoft)."],
    retryable: true,
    transient: true,
    match: [{ error: ["temporarily_unavailable", "server_error"] }, { status: [500, 502, 503, 504] }],
  },
  {
    code: "unknown",
    title: "Unrecognized failure",
    cause: "Microsoft answered with something Consentry doesn't recognize yet.",
    fixSteps: ["Read the evidence below; retry once. If it persists, export a support bundle."],
    retryable: true,
    match: [],
  },
] as const satisfies readonly TEntryDef[];

export type TDiagnosisCode = (typeof DEFS)[number]["code"];
export type TCatalogEntry = {
  code: TDiagnosisCode;
  title: string;
  cause: string;
  fixSteps: readonly string[];
  retryable: boolean;
  transient: boolean;
  severity: "info" | "warning" | "error";
  action?: TAction;
  docsUrl: string;
  match: readonly TMatchRule[];
};

export const CATALOG: readonly TCatalogEntry[] = DEFS.map((d: TEntryDef) => ({
  ...d,
  code: d.code as TDiagnosisCode,
  transient: d.transient ?? false,
  severity: d.severity ?? "error",
  docsUrl: d.docsUrl ?? AADSTS_DOCS,
}));

/** The catalog's refresh-failure column for one AADSTS code (null: not permanent by its code). */
export function refreshFailureOf(aadsts: number): TRefreshFailure | null {
  for (const e of CATALOG) for (const r of e.match) if ("aadsts" in r && r.onRefresh && r.aadsts.includes(aadsts)) return r.onRefresh;
  return null;
}

export function catalogEntry(code: TDiagnosisCode): TCatalogEntry {
  return CATALOG.find((e) => e.code === code) ?? CATALOG[CATALOG.length - 1];
}
