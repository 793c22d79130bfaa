-- A mailbox's sign-in name (UPN) when it differs from its address, sent as login_hint.
ALTER TABLE "Mailbox" ADD COLUMN "signInName" TEXT;

-- Organization consent per app registration and tenant (it was one set of columns on Tenant).
CREATE TABLE "OrgConsent" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "appRegistrationId" TEXT NOT NULL,
    "consentedAt" TIMESTAMP(3) NOT NULL,
    "adminUpn" TEXT,
    "adminOid" TEXT,
    "verifiedBy" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "directoryId" TEXT,
    "recordedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "OrgConsent_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "OrgConsent_workspaceId_tenantId_idx" ON "OrgConsent"("workspaceId", "tenantId");

CREATE UNIQUE INDEX "OrgConsent_tenantId_appRegistrationId_key" ON "OrgConsent"("tenantId", "appRegistrationId");

ALTER TABLE "OrgConsent" ADD CONSTRAINT "OrgConsent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "OrgConsent" ADD CONSTRAINT "OrgConsent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "OrgConsent" ADD CONSTRAINT "OrgConsent_appRegistrationId_fkey" FOREIGN KEY ("appRegistrationId") REFERENCES "AppRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing consents: the tenant's columns never said which app, but every recorded consent came
-- from a completed admin round trip, which names its app. The latest one per tenant and app
-- becomes that app's record; a tenant-level record without such a round trip names no app and
-- stays only on the (no longer used) Tenant columns.
INSERT INTO "OrgConsent" ("id", "workspaceId", "tenantId", "appRegistrationId", "consentedAt", "verifiedBy", "scopes", "directoryId", "recordedBy", "updatedAt")
SELECT DISTINCT ON (cr."tenantId", cr."appRegistrationId")
    gen_random_uuid()::text,
    cr."workspaceId",
    cr."tenantId",
    cr."appRegistrationId",
    COALESCE(cr."usedAt", cr."createdAt"),
    'migrated',
    COALESCE(ARRAY(SELECT jsonb_array_elements_text(cr."resultDetail"->'scopes')), ARRAY[]::TEXT[]),
    COALESCE(cr."resultDetail"->>'returnedTenantId', t."adminConsentTenantId"),
    COALESCE(t."adminConsentBy", 'unknown'),
    CURRENT_TIMESTAMP
FROM "ConsentRequest" cr
JOIN "Tenant" t ON t."id" = cr."tenantId"
WHERE cr."kind" = 'admin' AND cr."status" = 'completed' AND cr."resultCode" = 'admin_consent_granted'
ORDER BY cr."tenantId", cr."appRegistrationId", COALESCE(cr."usedAt", cr."createdAt") DESC;
