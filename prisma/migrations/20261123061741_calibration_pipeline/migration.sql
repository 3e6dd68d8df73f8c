-- CreateEnum
CREATE TYPE "CalibrationReview" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "simulated" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "CalibrationRun" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "lease" TEXT,
ADD COLUMN     "maxAnswerId" BIGINT,
ADD COLUMN     "rejectionReason" TEXT,
ADD COLUMN     "reviewStatus" "CalibrationReview" NOT NULL DEFAULT 'PENDING',
ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ADD COLUMN     "reviewedById" TEXT,
ADD COLUMN     "summary" JSONB;

-- AlterTable
ALTER TABLE "CalibrationItemResult" ADD COLUMN     "expectedInfit" DOUBLE PRECISION,
ADD COLUMN     "expectedOutfit" DOUBLE PRECISION,
ADD COLUMN     "observed" JSONB;

-- AlterTable
ALTER TABLE "ItemParameter" ADD COLUMN     "sourceRunId" TEXT;

-- CreateTable
CREATE TABLE "CalibrationShard" (
    "runId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "lease" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "answers" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalibrationShard_pkey" PRIMARY KEY ("runId","index")
);

-- CreateIndex
CREATE INDEX "CalibrationRun_status_idx" ON "CalibrationRun"("status");

-- CreateIndex
CREATE INDEX "CalibrationRun_createdAt_idx" ON "CalibrationRun"("createdAt");

-- CreateIndex
CREATE INDEX "CalibrationItemResult_challengeId_idx" ON "CalibrationItemResult"("challengeId");

-- AddForeignKey
ALTER TABLE "CalibrationRun" ADD CONSTRAINT "CalibrationRun_reviewedById_fkey" FOREIGN KEY ("reviewedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalibrationShard" ADD CONSTRAINT "CalibrationShard_runId_fkey" FOREIGN KEY ("runId") REFERENCES "CalibrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemParameter" ADD CONSTRAINT "ItemParameter_sourceRunId_fkey" FOREIGN KEY ("sourceRunId") REFERENCES "CalibrationRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- At most one parameter set is in force at a time (written by hand: Prisma cannot express a partial index;
-- a datamodel-to-datamodel diff never sees it, so later migrations leave it alone).
CREATE UNIQUE INDEX "ParameterSet_single_active" ON "ParameterSet" ("active") WHERE "active";
