import "server-only";
// An app registration as it leaves the server: never a secret value, only its last 4 characters.
export const appSelect = {
  id: true,
  tenantId: true,
  displayName: true,
  clientId: true,
  kind: true,
  scopeProfile: true,
  defaultPrompt: true,
  authorityOverride: true,
  tokenEndpointOverride: true,
  lastVerifiedAt: true,
  lastVerifyCode: true,
  createdAt: true,
  updatedAt: true,
  secrets: {
    select: { id: true, last4: true, expiresAt: true, status: true, verifiedAt: true, createdAt: true },
    orderBy: { createdAt: "desc" as const },
  },
  _count: { select: { mailboxes: true } },
} as const;

type TRow = {
  id: string;
  tenantId: string | null;
  displayName: string;
  clientId: string;
  kind: "single_tenant" | "multi_tenant";
  scopeProfile: "imap_smtp" | "pop_smtp" | "graph" | "graph_app_only" | "exchange_app_only";
  defaultPrompt: "select_account" | "consent" | "login" | "none";
  authorityOverride: string | null;
  tokenEndpointOverride: string | null;
  lastVerifiedAt: Date | null;
  lastVerifyCode: string | null;
  createdAt: Date;
  updatedAt: Date;
  secrets: {
    id: string;
    last4: string;
    expiresAt: Date;
    status: "pending" | "active" | "retired";
    verifiedAt: Date | null;
    createdAt: Date;
  }[];
  _count: { mailboxes: number };
};

export function toAppDto(a: TRow) {
  const { _count, ...rest } = a;
  const active = a.secrets.find((s) => s.status === "active") ?? null;
  return { ...rest, mailboxCount: _count.mailboxes, activeSecret: active };
}
export type TAppDto = ReturnType<typeof toAppDto>;
