// Shapes of the API's JSON (dates arrive as ISO strings).
export type TCloud = "global" | "usgov" | "china" | "sandbox";
export type TTenant = {
  id: string;
  displayName: string;
  directoryId: string | null;
  primaryDomain: string | null;
  cloud: TCloud;
  notes: string;
  adminConsentAt: string | null;
  adminConsentBy: string | null;
  adminConsentScopes: string[];
  adminConsentTenantId: string | null;
  mailboxCount: number;
  appCount: number;
  createdAt: string;
  updatedAt: string;
};
export type TOverview = {
  tenants: number;
  mailboxes: { total: number; connected: number; failing: number; needsReconsent: number };
  apps: number;
  secretsExpiringSoon: number;
  workers: { alive: number; lastBeatAt: string | null };
  recentEvents: { id: string; level: string; code: string; message: string; createdAt: string }[];
};
export type TStaff = { membershipId: string; staffUserId: string; email: string; name: string; role: "owner" | "admin" | "technician" | "support"; hasAllTenants: boolean; tenantIds: string[]; isDisabled: boolean; lastLoginAt: string | null; createdAt: string };
export type TAudit = { id: string; actorEmail: string; action: string; targetType: string; targetId: string | null; tenantId: string | null; detail: unknown; createdAt: string };
export type TSecret = { id: string; last4: string; expiresAt: string; status: "pending" | "active" | "retired"; verifiedAt: string | null; createdAt: string };
export type TApp = {
  id: string;
  tenantId: string | null;
  displayName: string;
  clientId: string;
  kind: "single_tenant" | "multi_tenant";
  scopeProfile: "imap_smtp" | "pop_smtp" | "graph" | "graph_app_only";
  defaultPrompt: "select_account" | "consent" | "login" | "none";
  authorityOverride: string | null;
  tokenEndpointOverride: string | null;
  lastVerifiedAt: string | null;
  lastVerifyCode: string | null;
  secrets: TSecret[];
  activeSecret: TSecret | null;
  mailboxCount: number;
};
export type TGrantInfo = { upn: string; oid: string; tid: string; scopes: string[]; accessTokenExpiresAt: string | null; lastRefreshAt: string | null; refreshTokenIssuedAt: string; refreshTokenAgeDays: number; refreshFailures: number; lastErrorCode: string | null; createdAt: string };
export type TMailbox = {
  id: string;
  tenantId: string;
  appRegistrationId: string | null;
  address: string;
  kind: "user" | "shared";
  delegateUpn: string | null;
  inbound: "imap" | "pop" | "graph" | "none";
  outbound: "smtp" | "graph" | "none";
  folder: string;
  afterProcessing: "keep" | "mark_read" | "move" | "delete";
  moveToFolder: string | null;
  state: string;
  stateCode: string | null;
  lastSyncAt: string | null;
  syncProgress: { done: number; total: number; startedAt: string; finishedAt?: string } | null;
  grant: TGrantInfo | null;
  createdAt: string;
};

export type TEventRow = { id: string; level: "debug" | "info" | "warn" | "error"; code: string; message: string; detail: unknown; createdAt: string; tenantId: string | null; mailboxId: string | null; tenantName: string | null; mailboxAddress: string | null };
export type TEventTrendDay = { day: string; debug: number; info: number; warn: number; error: number };
