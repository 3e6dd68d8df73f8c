-- AlterTable
ALTER TABLE "AuthSession" ADD COLUMN     "organisationId" TEXT;

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "autoShare" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Assessment_participationId_idx" ON "Assessment"("participationId");
