import "server-only";
// A mailbox as it leaves the server, with its token info panel: who it is authorized as, scopes
// and ages. Never a token value.
export const mailboxSelect = {
  id: true,
  tenantId: true,
  appRegistrationId: true,
  address: true,
  kind: true,
  delegateUpn: true,
  signInName: true,
  inbound: true,
  outbound: true,
  folder: true,
  afterProcessing: true,
  moveToFolder: true,
  replyTo: true,
  signature: true,
  state: true,
  stateCode: true,
  pausedAt: true,
  pausedBy: true,
  stateBeforePause: true,
  lastSyncAt: true,
  syncState: true,
  createdAt: true,
  updatedAt: true,
  grant: {
    select: {
      upn: true,
      oid: true,
      tid: true,
      scopes: true,
      accessTokenExpiresAt: true,
      lastRefreshAt: true,
      refreshTokenIssuedAt: true,
      refreshFailures: true,
      lastErrorCode: true,
      createdAt: true,
    },
  },
} as const;

type TGrantInfo = {
  upn: string;
  oid: string;
  tid: string;
  scopes: string[];
  accessTokenExpiresAt: Date | null;
  lastRefreshAt: Date | null;
  refreshTokenIssuedAt: Date;
  refreshFailures: number;
  lastErrorCode: string | null;
  createdAt: Date;
};

type TSyncProgress = { done: number; total: number; startedAt: string; finishedAt?: string };

export function toMailboxDto<T extends { grant: TGrantInfo | null; syncState?: unknown }>(m: T) {
  const g = m.grant;
  // Only the progress leaves the server; the rest of the sync state (delta links) stays.
  const { syncState, ...rest } = m;
  const progress = ((syncState as { progress?: TSyncProgress } | null)?.progress ?? null) as TSyncProgress | null;
  return {
    ...rest,
    syncProgress: progress,
    grant: g ? { ...g, refreshTokenAgeDays: Math.floor((Date.now() - g.refreshTokenIssuedAt.getTime()) / 86_400_000) } : null,
  };
}
