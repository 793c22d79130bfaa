// The sandbox's persisted world: directory, apps, consents, refresh tokens, clock and switches.
import type { DirectoryTenant, DirectoryUser, SharedMailbox } from "../contracts";

export type TSbUser = DirectoryUser & { password: string; tokensValidFrom: string; caBlocked: boolean };
export type TSbSecret = { id: string; value: string; hint: string; expiresAt: string };
export type TSbApp = {
  clientId: string;
  displayName: string;
  homeTenantId: string;
  isMultiTenant: boolean;
  redirectUris: string[];
  secrets: TSbSecret[];
  delegated: string[];
  application: string[];
};
export type TSbConsent = {
  tenantId: string;
  clientId: string;
  kind: "admin" | "user";
  userId: string | null;
  scopes: string[];
  roles: string[];
  grantedAt: string;
};
export type TSbRefresh = {
  hash: string;
  userId: string;
  tenantId: string;
  clientId: string;
  scopes: string[];
  issuedAt: string;
  lastUsedAt: string;
  authTime: string;
  isMfa: boolean;
};
/** Exchange Online's own view of apps (RBAC for Applications and mailbox permissions), separate
 *  from Entra consent: New-ServicePrincipal, Add-MailboxPermission, New-ManagementScope,
 *  New-ManagementRoleAssignment -App, and Set-Mailbox -CustomAttributeN. */
export type TSbExoServicePrincipal = { tenantId: string; appId: string; objectId: string; displayName: string };
export type TSbExoMailboxPermission = { tenantId: string; address: string; principalObjectId: string; accessRights: "FullAccess" };
export type TSbExoScope = { tenantId: string; name: string; recipientRestrictionFilter: string };
export type TSbExoRoleAssignment = {
  tenantId: string;
  name: string;
  appObjectId: string;
  role: string;
  customResourceScope: string | null;
};
export type TSbExchange = {
  servicePrincipals: TSbExoServicePrincipal[];
  mailboxPermissions: TSbExoMailboxPermission[];
  managementScopes: TSbExoScope[];
  roleAssignments: TSbExoRoleAssignment[];
  /** address → { CustomAttribute1: "…" } */
  customAttributes: Record<string, Record<string, string>>;
};
export const emptyExchange = (): TSbExchange => ({
  servicePrincipals: [],
  mailboxPermissions: [],
  managementScopes: [],
  roleAssignments: [],
  customAttributes: {},
});

export type TSbFault = { mode: "500" | "503" | "timeout"; remaining: number; seconds: number };

export type TSbState = {
  version: 1;
  tenants: DirectoryTenant[];
  users: TSbUser[];
  shared: SharedMailbox[];
  apps: TSbApp[];
  /** Entra enterprise applications; objectId is the service principal's object id (app-only tokens' oid). */
  servicePrincipals: { tenantId: string; clientId: string; objectId?: string }[];
  exchange: TSbExchange;
  consents: TSbConsent[];
  refreshTokens: TSbRefresh[];
  clockOffsetMs: number;
  tokenLifetimeSeconds: number | null; // null = random 3600..5400 like Microsoft
  faults: { tokenEndpoint: TSbFault | null };
};

export const emptyState = (): TSbState => ({
  version: 1,
  tenants: [],
  users: [],
  shared: [],
  apps: [],
  servicePrincipals: [],
  exchange: emptyExchange(),
  consents: [],
  refreshTokens: [],
  clockOffsetMs: 0,
  tokenLifetimeSeconds: null,
  faults: { tokenEndpoint: null },
});
