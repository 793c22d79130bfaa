-- Where a shared mailbox's setup wizard stands, so it can be left and resumed (issue 12 §1).
-- CreateTable
CREATE TABLE "SharedMailboxSetup" (
    "mailboxId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "step" TEXT NOT NULL DEFAULT 'permissions',
    "createdByEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "SharedMailboxSetup_pkey" PRIMARY KEY ("mailboxId")
);

-- CreateIndex
CREATE INDEX "SharedMailboxSetup_workspaceId_tenantId_idx" ON "SharedMailboxSetup"("workspaceId", "tenantId");

-- AddForeignKey
ALTER TABLE "SharedMailboxSetup" ADD CONSTRAINT "SharedMailboxSetup_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
