// The seam between the sandbox's identity platform (sandbox/identity, sandbox/directory, sandbox/server.ts)
// and its mail services (sandbox/mail, sandbox/graph). Both halves code against these types only.
import type { IncomingMessage } from "node:http";

export type DirectoryTenant = {
  id: string; // GUID
  displayName: string;
  domains: string[]; // verified domains, first is the default (e.g. contoso.onmicrosoft.com)
  smtpAuthDisabled: boolean; // Set-TransportConfig -SmtpClientAuthenticationDisabled
  usersMayConsent: boolean;
  securityDefaults: boolean; // security defaults also turn SMTP AUTH off
  // Exchange's reply when SMTP submission is refused for a From the sender may not send as:
  // "5.2.252" (current: 554 5.2.252 SendAsDenied; …, the default) or "5.7.60" (older tenants: 550 5.7.60 SMTP; …).
  sendAsDeniedReply?: "5.2.252" | "5.7.60";
  // false: the tenant has no Exchange Online (its service principal isn't in the directory), so
  // tokens for https://outlook.office.com fail with AADSTS500011. Absent: it has Exchange Online.
  exchangeOnline?: boolean;
};

export type DirectoryUser = {
  id: string; // object id (oid), GUID
  tenantId: string;
  upn: string; // lower-case; the sign-in name, which an admin may rename
  /** The primary SMTP address (Graph `mail`), lower-case. Differs from the UPN in many tenants. */
  mail: string;
  /** Graph `proxyAddresses`: "SMTP:" + the primary address, then "smtp:" + each alias. */
  proxyAddresses: string[];
  displayName: string;
  isAdmin: boolean; // global admin: may consent for the organization
  isLicensed: boolean; // has an Exchange Online mailbox
  mfaRequired: boolean;
  isDisabled: boolean;
  signInFrequencyDays: number | null;
  imapEnabled: boolean; // Set-CASMailbox -ImapEnabled
  popEnabled: boolean;
  smtpAuthDisabled: boolean | null; // null = follow the tenant
  passwordChangedAt: string; // ISO
};

export type SharedMailbox = {
  id: string; // GUID
  tenantId: string;
  address: string; // lower-case
  displayName: string;
  fullAccess: string[]; // user ids (oid) holding FullAccess
  sendAs: string[]; // user ids (oid) holding SendAs
  // Unlicensed and over the 50 GB a shared mailbox may hold without a licence: Exchange refuses
  // to send from it (Graph: 403 ErrorQuotaExceeded).
  overSizeLimit?: boolean;
  // Homed on an on-premises Exchange server (hybrid), not in Exchange Online: Graph answers
  // MailboxNotEnabledForRESTAPI, IMAP/POP find no mailbox to open.
  onPremises?: boolean;
};

/** Claims of a sandbox-issued access token (v1 format, as Microsoft APIs receive). */
export type AccessTokenClaims = {
  aud: string; // "https://outlook.office.com" or "https://graph.microsoft.com"
  iss: string;
  tid: string;
  oid?: string; // absent for app-only tokens? (present: the service principal's oid)
  appid: string;
  scp?: string; // delegated: space-separated, e.g. "IMAP.AccessAsUser.All SMTP.Send"
  roles?: string[]; // app-only: e.g. ["Mail.Read"], ["IMAP.AccessAsApp"]
  upn?: string;
  unique_name?: string;
  iat: number;
  nbf: number;
  exp: number;
  [k: string]: unknown;
};

export type TokenCheck =
  { ok: true; claims: AccessTokenClaims } | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "not_yet_valid" | "revoked" };

/** A mailbox as the mail services see it: a licensed user's own mailbox or a shared mailbox. */
export type MailboxOwner =
  | { kind: "user"; address: string; tenantId: string; user: DirectoryUser }
  | { kind: "shared"; address: string; tenantId: string; shared: SharedMailbox };

export type SandboxDirectoryView = {
  getTenant(id: string): DirectoryTenant | undefined;
  getUserById(oid: string): DirectoryUser | undefined;
  getUserByUpn(upn: string): DirectoryUser | undefined;
  getSharedMailbox(address: string): SharedMailbox | undefined;
  /** Resolves a user or shared mailbox address (case-insensitive). */
  resolveMailbox(address: string): MailboxOwner | undefined;
  listMailboxes(): MailboxOwner[];
  /** True when the app has an admin (tenant-wide) consent in the tenant that includes the app permission (role). */
  hasAppRoleConsent(tenantId: string, appId: string, role: string): boolean;
  /** Exchange Online's own grant for an app-only token on a mailbox (service principal registered
   *  with New-ServicePrincipal, FullAccess via Add-MailboxPermission, or an RBAC for Applications
   *  role assignment whose scope includes the mailbox). See sandbox/directory/exchange-rbac.ts. */
  exchangeAppGrant(p: {
    tenantId: string;
    appId: string;
    oid: string | undefined;
    address: string;
    need: string[];
    fullAccessCounts: boolean;
  }):
    | { ok: true; via: "mailbox_permission" | "role_assignment" }
    | { ok: false; reason: "sp_not_registered" | "no_mailbox_permission" | "out_of_scope" };
};

export type TlsMaterial = { key: string; cert: string; ca: string }; // PEM

export type AdminRequest = {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown; // parsed JSON, or undefined
  rawBody: Buffer;
  req: IncomingMessage;
};
export type AdminResponse = { status: number; body?: unknown; headers?: Record<string, string> };
export type AdminRoute = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string; // e.g. "/admin/mailboxes/:address/messages"
  handler: (req: AdminRequest) => Promise<AdminResponse> | AdminResponse;
};

export type SandboxContext = {
  dataDir: string; // .data/sandbox (or a temp dir in tests)
  tls: TlsMaterial;
  hostname: string; // "localhost"
  ports: { identity: number; graph: number; imap: number; pop: number; smtp: number };
  /** The ports named in URLs the sandbox hands out (a proxy's, when one is in front). */
  advertisedPorts?: { identity: number; graph: number; imap: number; pop: number; smtp: number };
  directory: SandboxDirectoryView;
  /** Verifies signature and lifetime against the sandbox clock, and revocation. Audience/scope checks are the caller's. */
  verifyAccessToken(token: string): Promise<TokenCheck>;
  /** The sandbox clock: real time plus the admin-set offset. */
  now(): Date;
  /** Structured log line (never log token values). */
  log(msg: string, fields?: Record<string, unknown>): void;
};

export type StartedService = { urls: Record<string, string>; stop(): Promise<void> };
export type SandboxService = {
  name: string;
  start(ctx: SandboxContext): Promise<StartedService>;
  adminRoutes?: (ctx: SandboxContext) => AdminRoute[];
};
