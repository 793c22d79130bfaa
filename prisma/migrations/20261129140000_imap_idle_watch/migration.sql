-- AlterTable
ALTER TABLE "Mailbox" ADD COLUMN     "watchOwner" TEXT,
ADD COLUMN     "watchExpiresAt" TIMESTAMP(3);
