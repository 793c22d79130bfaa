-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "messageRetentionDays" INTEGER DEFAULT 30;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "purgedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Message_workspaceId_createdAt_idx" ON "Message"("workspaceId", "createdAt");

-- Workspaces that exist before this release keep everything until an admin chooses a period:
-- an upgrade must never delete mail by itself. New workspaces start at 30 days.
UPDATE "Workspace" SET "messageRetentionDays" = NULL;
