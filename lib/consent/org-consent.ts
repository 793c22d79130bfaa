import "server-only";
// Organization (admin) consent, kept per app registration and tenant: consenting app A says
// nothing about app B. Who consented is named when Microsoft names them; the admin-consent
// redirect (/adminconsent) doesn't, so those records say how Consentry verified the consent
// instead (a client-credentials token for the tenant on file).
// Used by the consent callback and by anything else that verifies consent (app-only mailboxes).
import type { Prisma } from "../db/generated/client";
import { db } from "../db/client";
import type { TTenantRef } from "../core/scope";

export type TOrgConsentVerification = "client_credentials" | "migrated";

export type TOrgConsentInput = TTenantRef & {
  appRegistrationId: string;
  consentedAt?: Date;
  adminUpn?: string | null;
  adminOid?: string | null;
  verifiedBy: TOrgConsentVerification;
  scopes: string[];
  directoryId?: string | null;
  recordedBy: string;
};

const PUBLIC = {
  id: true,
  tenantId: true,
  appRegistrationId: true,
  consentedAt: true,
  adminUpn: true,
  adminOid: true,
  verifiedBy: true,
  scopes: true,
  directoryId: true,
  recordedBy: true,
} as const;

export type TOrgConsent = {
  id: string;
  tenantId: string;
  appRegistrationId: string;
  consentedAt: Date;
  adminUpn: string | null;
  adminOid: string | null;
  verifiedBy: string;
  scopes: string[];
  directoryId: string | null;
  recordedBy: string;
};

/** Records (or renews) the consent of one app in one tenant. Call inside the caller's transaction. */
export async function recordOrgConsent(tx: Prisma.TransactionClient, c: TOrgConsentInput): Promise<TOrgConsent> {
  const data = {
    consentedAt: c.consentedAt ?? new Date(),
    adminUpn: c.adminUpn ?? null,
    adminOid: c.adminOid ?? null,
    verifiedBy: c.verifiedBy,
    scopes: c.scopes,
    directoryId: c.directoryId ?? null,
    recordedBy: c.recordedBy,
  };
  return tx.orgConsent.upsert({
    where: { tenantId_appRegistrationId: { tenantId: c.tenantId, appRegistrationId: c.appRegistrationId } },
    create: { ...data, workspaceId: c.workspaceId, tenantId: c.tenantId, appRegistrationId: c.appRegistrationId },
    update: data,
    select: PUBLIC,
  });
}

/** The consent of one app in one tenant, or null. */
export async function getOrgConsent(ref: TTenantRef & { appRegistrationId: string }): Promise<TOrgConsent | null> {
  return db().orgConsent.findFirst({
    where: { workspaceId: ref.workspaceId, tenantId: ref.tenantId, appRegistrationId: ref.appRegistrationId },
    select: PUBLIC,
  });
}

/** Every app's consent in one tenant (the tenant page). */
export async function listOrgConsentsOfTenant(ref: TTenantRef): Promise<(TOrgConsent & { appName: string })[]> {
  const rows = await db().orgConsent.findMany({
    where: { workspaceId: ref.workspaceId, tenantId: ref.tenantId },
    select: { ...PUBLIC, appRegistration: { select: { displayName: true } } },
    orderBy: { consentedAt: "desc" },
  });
  return rows.map(({ appRegistration, ...r }) => ({ ...r, appName: appRegistration.displayName }));
}

export type TAppOrgConsent = TOrgConsent & { tenantName: string };

/** One app's consents in the tenants the caller may see (the app page). */
export async function listOrgConsentsOfApp(p: {
  workspaceId: string;
  appRegistrationId: string;
  tenantIds: { in: string[] } | undefined;
}): Promise<(TOrgConsent & { tenantName: string })[]> {
  const rows = await db().orgConsent.findMany({
    where: { workspaceId: p.workspaceId, appRegistrationId: p.appRegistrationId, ...(p.tenantIds ? { tenantId: p.tenantIds } : {}) },
    select: { ...PUBLIC, tenant: { select: { displayName: true } } },
    orderBy: { consentedAt: "desc" },
  });
  return rows.map(({ tenant, ...r }) => ({ ...r, tenantName: tenant.displayName }));
}
