-- AlterTable
ALTER TABLE "CertificationSession" ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "CertificationCandidate" ADD COLUMN     "certifiabilityCheckedAt" TIMESTAMP(3),
ADD COLUMN     "certifiable" BOOLEAN,
ADD COLUMN     "competencesWithLevel" INTEGER,
ADD COLUMN     "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "CertificationCourse" ADD COLUMN     "attentionAt" TIMESTAMP(3),
ADD COLUMN     "attentionReason" TEXT;

-- AlterTable
ALTER TABLE "CertificationIssue" ADD COLUMN     "neutralise" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "questionPosition" INTEGER;

-- CreateTable
CREATE TABLE "InvigilatorAccess" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InvigilatorAccess_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificationAccessAttempt" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "success" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificationAccessAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InvigilatorAccess_sessionId_idx" ON "InvigilatorAccess"("sessionId");

-- CreateIndex
CREATE INDEX "CertificationAccessAttempt_kind_key_createdAt_idx" ON "CertificationAccessAttempt"("kind", "key", "createdAt");

-- CreateIndex
CREATE INDEX "CertificationAccessAttempt_kind_ip_createdAt_idx" ON "CertificationAccessAttempt"("kind", "ip", "createdAt");

-- CreateIndex
CREATE INDEX "CertificationSession_centreId_date_idx" ON "CertificationSession"("centreId", "date");

-- CreateIndex
CREATE INDEX "CertificationCandidate_sessionId_idx" ON "CertificationCandidate"("sessionId");

-- CreateIndex
CREATE INDEX "CertificationCandidate_userId_idx" ON "CertificationCandidate"("userId");

-- AddForeignKey
ALTER TABLE "InvigilatorAccess" ADD CONSTRAINT "InvigilatorAccess_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "CertificationSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;
