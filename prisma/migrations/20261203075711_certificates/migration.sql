-- AlterTable
ALTER TABLE "Certificate" ADD COLUMN     "abandoned" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "answersCounted" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "birthDate" DATE,
ADD COLUMN     "birthPlace" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "centreName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "firstName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "juryComment" TEXT,
ADD COLUMN     "lastName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "parameterSetId" TEXT,
ADD COLUMN     "scoredAt" TIMESTAMP(3),
ADD COLUMN     "takenOn" DATE,
ADD COLUMN     "theta" DOUBLE PRECISION,
ADD COLUMN     "thetaSe" DOUBLE PRECISION;

-- CreateIndex
CREATE INDEX "Certificate_status_publishedAt_idx" ON "Certificate"("status", "publishedAt");
