-- App-only mailboxes (issue 11): the Exchange-protocols app-only profile, the cached client-credentials
-- token per (app, tenant, resource), and each app-only mailbox's checklist results.
ALTER TYPE "ScopeProfile" ADD VALUE 'exchange_app_only';

-- CreateTable
CREATE TABLE "AppOnlyToken" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "appRegistrationId" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "sealedAccessToken" TEXT,
    "expiresAt" TIMESTAMP(3),
    "roles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "spObjectId" TEXT,
    "tid" TEXT,
    "secretId" TEXT,
    "refreshingUntil" TIMESTAMP(3),
    "lastRefreshAt" TIMESTAMP(3),
    "lastErrorCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "AppOnlyToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppOnlyCheck" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mailboxId" TEXT NOT NULL,
    "steps" JSONB NOT NULL DEFAULT '{}',
    "scopeName" TEXT,
    "outsideAddress" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "AppOnlyCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AppOnlyToken_workspaceId_tenantId_idx" ON "AppOnlyToken"("workspaceId", "tenantId");
-- CreateIndex
CREATE UNIQUE INDEX "AppOnlyToken_appRegistrationId_tenantId_resource_key" ON "AppOnlyToken"("appRegistrationId", "tenantId", "resource");
-- CreateIndex
CREATE UNIQUE INDEX "AppOnlyCheck_mailboxId_key" ON "AppOnlyCheck"("mailboxId");
-- CreateIndex
CREATE INDEX "AppOnlyCheck_workspaceId_tenantId_idx" ON "AppOnlyCheck"("workspaceId", "tenantId");
-- AddForeignKey
ALTER TABLE "AppOnlyToken" ADD CONSTRAINT "AppOnlyToken_appRegistrationId_fkey" FOREIGN KEY ("appRegistrationId") REFERENCES "AppRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- AddForeignKey
ALTER TABLE "AppOnlyCheck" ADD CONSTRAINT "AppOnlyCheck_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
