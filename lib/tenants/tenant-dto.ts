import "server-only";
// The one shape a tenant leaves the server in.
export const tenantSelect = {
  id: true,
  displayName: true,
  directoryId: true,
  primaryDomain: true,
  cloud: true,
  notes: true,
  // Organization consent is per app registration (the Tenant.adminConsent* columns are no longer used).
  orgConsents: {
    select: {
      appRegistrationId: true,
      consentedAt: true,
      adminUpn: true,
      adminOid: true,
      verifiedBy: true,
      scopes: true,
      directoryId: true,
      recordedBy: true,
      appRegistration: { select: { displayName: true } },
    },
    orderBy: { consentedAt: "desc" as const },
  },
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
  orgConsents: {
    appRegistrationId: string;
    consentedAt: Date;
    adminUpn: string | null;
    adminOid: string | null;
    verifiedBy: string;
    scopes: string[];
    directoryId: string | null;
    recordedBy: string;
    appRegistration: { displayName: string };
  }[];
  createdAt: Date;
  updatedAt: Date;
  _count: { mailboxes: number; apps: number };
};

export function toTenantDto(t: TRow) {
  const { _count, orgConsents, ...rest } = t;
  return {
    ...rest,
    orgConsents: orgConsents.map(({ appRegistration, ...c }) => ({ ...c, appName: appRegistration.displayName })),
    mailboxCount: _count.mailboxes,
    appCount: _count.apps,
  };
}
export type TTenantDto = ReturnType<typeof toTenantDto>;
