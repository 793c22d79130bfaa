-- The grant's refresh lease (issue 14: single flight without a connection held across the call to Microsoft).
ALTER TABLE "Grant" ADD COLUMN     "refreshLeaseOwner" TEXT,
ADD COLUMN     "refreshLeaseUntil" TIMESTAMP(3);
