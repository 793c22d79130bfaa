-- AlterEnum
ALTER TYPE "OutboundStatus" ADD VALUE 'cancelled';

-- AlterTable
ALTER TABLE "OutboundMessage" ADD COLUMN     "internetMessageId" TEXT,
ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "createdVia" TEXT,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "claimedBy" TEXT,
ADD COLUMN     "claimedUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "hasAllTenants" BOOLEAN NOT NULL DEFAULT true,
    "tenantIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdById" TEXT,
    "createdByEmail" TEXT NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OutboundMessage_mailboxId_idempotencyKey_key" ON "OutboundMessage"("mailboxId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "OutboundMessage_mailboxId_createdAt_idx" ON "OutboundMessage"("mailboxId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_workspaceId_idx" ON "ApiKey"("workspaceId");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
