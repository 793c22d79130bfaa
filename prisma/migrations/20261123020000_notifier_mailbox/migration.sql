-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "notifierMailboxId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_notifierMailboxId_key" ON "Workspace"("notifierMailboxId");

-- AddForeignKey
ALTER TABLE "Workspace" ADD CONSTRAINT "Workspace_notifierMailboxId_fkey" FOREIGN KEY ("notifierMailboxId") REFERENCES "Mailbox"("id") ON DELETE SET NULL ON UPDATE CASCADE;
