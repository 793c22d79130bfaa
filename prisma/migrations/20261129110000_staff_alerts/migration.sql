-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "alertRecipients" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "alertKinds" TEXT[] DEFAULT ARRAY['mailbox', 'secret']::TEXT[];

-- AlterTable
ALTER TABLE "MailboxStateChange" ADD COLUMN     "alertedAt" TIMESTAMP(3);

-- Changes recorded before alerts existed are not news.
UPDATE "MailboxStateChange" SET "alertedAt" = "createdAt";

-- CreateIndex
CREATE INDEX "MailboxStateChange_alertedAt_idx" ON "MailboxStateChange"("alertedAt");
