-- AlterTable
ALTER TABLE "ConsentRequest" ADD COLUMN     "resultDetail" JSONB,
ADD COLUMN     "stateExpiresAt" TIMESTAMP(3),
ALTER COLUMN "stateHash" DROP NOT NULL;
