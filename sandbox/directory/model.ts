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
export type TSbFault = { mode: "500" | "503" | "timeout"; remaining: number; seconds: number };

export type TSbState = {
  version: 1;
  tenants: DirectoryTenant[];
  users: TSbUser[];
  shared: SharedMailbox[];
  apps: TSbApp[];
  // objectId: the enterprise app's object id in that tenant (app-only tokens' oid/sub); older state lacks it.
  servicePrincipals: { tenantId: string; clientId: string; objectId?: string }[];
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
  consents: [],
  refreshTokens: [],
  clockOffsetMs: 0,
  tokenLifetimeSeconds: null,
  faults: { tokenEndpoint: null },
});
