import "server-only";
// The one shape a tenant leaves the server in.
export const tenantSelect = {
  id: true,
  displayName: true,
  directoryId: true,
  primaryDomain: true,
  cloud: true,
  notes: true,
  adminConsentAt: true,
  adminConsentBy: true,
  adminConsentScopes: true,
  adminConsentTenantId: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { mailboxes: true, apps: true } },
} as const;

type TRow = {
  id: string;
  displayName: string;
  directoryId: string | null;
  primaryDomain: string | null;
  cloud: "global" | "usgov" | "china" | "sandbox";
  notes: string;
  adminConsentAt: Date | null;
  adminConsentBy: string | null;
  adminConsentScopes: string[];
  adminConsentTenantId: string | null;
  createdAt: Date;
  updatedAt: Date;
  _count: { mailboxes: number; apps: number };
};

export function toTenantDto(t: TRow) {
  const { _count, ...rest } = t;
  return { ...rest, mailboxCount: _count.mailboxes, appCount: _count.apps };
}
export type TTenantDto = ReturnType<typeof toTenantDto>;
