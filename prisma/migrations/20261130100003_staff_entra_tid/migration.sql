-- AlterTable
ALTER TABLE "StaffUser" ADD COLUMN     "entraTid" TEXT;
