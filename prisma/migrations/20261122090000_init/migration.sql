-- CreateEnum
CREATE TYPE "Role" AS ENUM ('owner', 'admin', 'technician', 'support');

-- CreateEnum
CREATE TYPE "Cloud" AS ENUM ('global', 'usgov', 'china', 'sandbox');

-- CreateEnum
CREATE TYPE "AppKind" AS ENUM ('single_tenant', 'multi_tenant');

-- CreateEnum
CREATE TYPE "ScopeProfile" AS ENUM ('imap_smtp', 'pop_smtp', 'graph', 'graph_app_only');

-- CreateEnum
CREATE TYPE "PromptMode" AS ENUM ('select_account', 'consent', 'login', 'none');

-- CreateEnum
CREATE TYPE "SecretStatus" AS ENUM ('pending', 'active', 'retired');

-- CreateEnum
CREATE TYPE "MailboxKind" AS ENUM ('user', 'shared');

-- CreateEnum
CREATE TYPE "InboundProtocol" AS ENUM ('imap', 'pop', 'graph', 'none');

-- CreateEnum
CREATE TYPE "OutboundProtocol" AS ENUM ('smtp', 'graph', 'none');

-- CreateEnum
CREATE TYPE "AfterProcessing" AS ENUM ('keep', 'mark_read', 'move', 'delete');

-- CreateEnum
CREATE TYPE "MailboxState" AS ENUM ('pending_consent', 'connected', 'degraded', 'failing', 'needs_reconsent', 'disabled');

-- CreateEnum
CREATE TYPE "ConsentKind" AS ENUM ('user', 'admin');

-- CreateEnum
CREATE TYPE "ConsentStatus" AS ENUM ('pending', 'completed', 'failed', 'expired', 'revoked');

-- CreateEnum
CREATE TYPE "OutboundStatus" AS ENUM ('queued', 'sending', 'sent', 'failed');

-- CreateEnum
CREATE TYPE "EventLevel" AS ENUM ('debug', 'info', 'warn', 'error');

-- CreateTable
CREATE TABLE "Workspace" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffUser" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "entraOid" TEXT,
    "isDisabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastLoginAt" TIMESTAMP(3),
    CONSTRAINT "StaffUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "staffUserId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "hasAllTenants" BOOLEAN NOT NULL DEFAULT true,
    "tenantIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "isSuccess" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "directoryId" TEXT,
    "primaryDomain" TEXT,
    "cloud" "Cloud" NOT NULL DEFAULT 'global',
    "notes" TEXT NOT NULL DEFAULT '',
    "adminConsentAt" TIMESTAMP(3),
    "adminConsentBy" TEXT,
    "adminConsentScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "adminConsentTenantId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppRegistration" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT,
    "displayName" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "kind" "AppKind" NOT NULL DEFAULT 'single_tenant',
    "scopeProfile" "ScopeProfile" NOT NULL DEFAULT 'imap_smtp',
    "defaultPrompt" "PromptMode" NOT NULL DEFAULT 'select_account',
    "authorityOverride" TEXT,
    "tokenEndpointOverride" TEXT,
    "lastVerifiedAt" TIMESTAMP(3),
    "lastVerifyCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "AppRegistration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppSecret" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "appRegistrationId" TEXT NOT NULL,
    "sealedValue" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "status" "SecretStatus" NOT NULL DEFAULT 'pending',
    "verifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AppSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Mailbox" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "appRegistrationId" TEXT,
    "address" TEXT NOT NULL,
    "kind" "MailboxKind" NOT NULL DEFAULT 'user',
    "delegateUpn" TEXT,
    "inbound" "InboundProtocol" NOT NULL DEFAULT 'imap',
    "outbound" "OutboundProtocol" NOT NULL DEFAULT 'smtp',
    "folder" TEXT NOT NULL DEFAULT 'INBOX',
    "afterProcessing" "AfterProcessing" NOT NULL DEFAULT 'keep',
    "moveToFolder" TEXT,
    "replyTo" TEXT,
    "signature" TEXT,
    "state" "MailboxState" NOT NULL DEFAULT 'pending_consent',
    "stateCode" TEXT,
    "syncState" JSONB,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "nextSyncAt" TIMESTAMP(3),
    "lastSyncAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Mailbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Grant" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mailboxId" TEXT NOT NULL,
    "upn" TEXT NOT NULL,
    "oid" TEXT NOT NULL,
    "tid" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sealedRefreshToken" TEXT NOT NULL,
    "refreshTokenIssuedAt" TIMESTAMP(3) NOT NULL,
    "sealedAccessToken" TEXT,
    "accessTokenResource" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "lastRefreshAt" TIMESTAMP(3),
    "refreshFailures" INTEGER NOT NULL DEFAULT 0,
    "lastErrorCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "Grant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentRequest" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mailboxId" TEXT,
    "appRegistrationId" TEXT NOT NULL,
    "kind" "ConsentKind" NOT NULL,
    "status" "ConsentStatus" NOT NULL DEFAULT 'pending',
    "stateHash" TEXT NOT NULL,
    "sealedCodeVerifier" TEXT,
    "nonce" TEXT,
    "expectedUpn" TEXT,
    "prompt" "PromptMode",
    "createdById" TEXT,
    "linkTokenHash" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "resultCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConsentRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mailboxId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "folder" TEXT NOT NULL,
    "internetMessageId" TEXT,
    "fromAddress" TEXT,
    "subject" TEXT,
    "size" INTEGER NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "rawMime" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboundMessage" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mailboxId" TEXT NOT NULL,
    "recipients" TEXT[],
    "subject" TEXT NOT NULL,
    "rawMime" BYTEA NOT NULL,
    "status" "OutboundStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastErrorCode" TEXT,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "OutboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT,
    "mailboxId" TEXT,
    "level" "EventLevel" NOT NULL DEFAULT 'info',
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "detail" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "tenantId" TEXT,
    "detail" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "version" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastBeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_slug_key" ON "Workspace"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "StaffUser_email_key" ON "StaffUser"("email");

-- CreateIndex
CREATE UNIQUE INDEX "StaffUser_entraOid_key" ON "StaffUser"("entraOid");

-- CreateIndex
CREATE INDEX "Membership_staffUserId_idx" ON "Membership"("staffUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_workspaceId_staffUserId_key" ON "Membership"("workspaceId", "staffUserId");

-- CreateIndex
CREATE INDEX "LoginAttempt_email_createdAt_idx" ON "LoginAttempt"("email", "createdAt");

-- CreateIndex
CREATE INDEX "LoginAttempt_ip_createdAt_idx" ON "LoginAttempt"("ip", "createdAt");

-- CreateIndex
CREATE INDEX "Tenant_workspaceId_idx" ON "Tenant"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_workspaceId_directoryId_key" ON "Tenant"("workspaceId", "directoryId");

-- CreateIndex
CREATE INDEX "AppRegistration_workspaceId_tenantId_idx" ON "AppRegistration"("workspaceId", "tenantId");

-- CreateIndex
CREATE INDEX "AppSecret_appRegistrationId_idx" ON "AppSecret"("appRegistrationId");

-- CreateIndex
CREATE INDEX "Mailbox_workspaceId_tenantId_idx" ON "Mailbox"("workspaceId", "tenantId");

-- CreateIndex
CREATE INDEX "Mailbox_nextSyncAt_idx" ON "Mailbox"("nextSyncAt");

-- CreateIndex
CREATE UNIQUE INDEX "Mailbox_tenantId_address_key" ON "Mailbox"("tenantId", "address");

-- CreateIndex
CREATE UNIQUE INDEX "Grant_mailboxId_key" ON "Grant"("mailboxId");

-- CreateIndex
CREATE INDEX "Grant_workspaceId_tenantId_idx" ON "Grant"("workspaceId", "tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentRequest_stateHash_key" ON "ConsentRequest"("stateHash");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentRequest_linkTokenHash_key" ON "ConsentRequest"("linkTokenHash");

-- CreateIndex
CREATE INDEX "ConsentRequest_workspaceId_tenantId_idx" ON "ConsentRequest"("workspaceId", "tenantId");

-- CreateIndex
CREATE INDEX "Message_mailboxId_receivedAt_idx" ON "Message"("mailboxId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_mailboxId_sourceKey_key" ON "Message"("mailboxId", "sourceKey");

-- CreateIndex
CREATE INDEX "OutboundMessage_status_nextAttemptAt_idx" ON "OutboundMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Event_workspaceId_tenantId_createdAt_idx" ON "Event"("workspaceId", "tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "Event_mailboxId_createdAt_idx" ON "Event"("mailboxId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEntry_workspaceId_createdAt_idx" ON "AuditEntry"("workspaceId", "createdAt");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_staffUserId_fkey" FOREIGN KEY ("staffUserId") REFERENCES "StaffUser"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppRegistration" ADD CONSTRAINT "AppRegistration_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppRegistration" ADD CONSTRAINT "AppRegistration_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppSecret" ADD CONSTRAINT "AppSecret_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppSecret" ADD CONSTRAINT "AppSecret_appRegistrationId_fkey" FOREIGN KEY ("appRegistrationId") REFERENCES "AppRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mailbox" ADD CONSTRAINT "Mailbox_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mailbox" ADD CONSTRAINT "Mailbox_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mailbox" ADD CONSTRAINT "Mailbox_appRegistrationId_fkey" FOREIGN KEY ("appRegistrationId") REFERENCES "AppRegistration"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentRequest" ADD CONSTRAINT "ConsentRequest_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentRequest" ADD CONSTRAINT "ConsentRequest_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentRequest" ADD CONSTRAINT "ConsentRequest_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsentRequest" ADD CONSTRAINT "ConsentRequest_appRegistrationId_fkey" FOREIGN KEY ("appRegistrationId") REFERENCES "AppRegistration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundMessage" ADD CONSTRAINT "OutboundMessage_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundMessage" ADD CONSTRAINT "OutboundMessage_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundMessage" ADD CONSTRAINT "OutboundMessage_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEntry" ADD CONSTRAINT "AuditEntry_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
