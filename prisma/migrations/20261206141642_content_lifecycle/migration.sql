-- AlterTable
ALTER TABLE "Challenge" ADD COLUMN     "liveVersionId" TEXT,
ADD COLUMN     "proposalStatus" "ChallengeStatus";

-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "authoringChanges" JSONB,
ADD COLUMN     "confirmedAt" TIMESTAMP(3),
ADD COLUMN     "confirmedById" TEXT;

-- AlterTable
ALTER TABLE "CalibrationItemResult" ADD COLUMN     "versionId" TEXT;

-- AlterTable
ALTER TABLE "ItemParameter" ADD COLUMN     "versionId" TEXT;

-- CreateTable
CREATE TABLE "DifficultyMark" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "baseVersionId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DifficultyMark_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DifficultyMark_challengeId_idx" ON "DifficultyMark"("challengeId");

-- CreateIndex
CREATE UNIQUE INDEX "DifficultyMark_versionId_baseVersionId_key" ON "DifficultyMark"("versionId", "baseVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "Challenge_liveVersionId_key" ON "Challenge"("liveVersionId");

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_liveVersionId_fkey" FOREIGN KEY ("liveVersionId") REFERENCES "ChallengeVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DifficultyMark" ADD CONSTRAINT "DifficultyMark_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill (issue 16). The live version of a validated challenge is the one its latest release serves,
-- or its current version when no release has it yet; a newer current version waits as a proposal.
UPDATE "Challenge" c SET "liveVersionId" = COALESCE(
  (SELECT rc."versionId" FROM "ReleaseChallenge" rc JOIN "Release" r ON r.id = rc."releaseId"
    WHERE rc."challengeId" = c.id ORDER BY r.number DESC LIMIT 1),
  c."currentVersionId")
WHERE c.status = 'valide';
UPDATE "Challenge" SET "proposalStatus" = 'propose'
WHERE status = 'valide' AND "liveVersionId" IS NOT NULL AND "currentVersionId" IS DISTINCT FROM "liveVersionId";

-- A run read the answers of the versions in the latest release when it started.
UPDATE "CalibrationItemResult" i SET "versionId" = (
  SELECT rc."versionId" FROM "ReleaseChallenge" rc JOIN "Release" r ON r.id = rc."releaseId"
  JOIN "CalibrationRun" run ON run.id = i."runId"
  WHERE rc."challengeId" = i."challengeId" AND r."createdAt" <= run."createdAt"
  ORDER BY r.number DESC LIMIT 1);
UPDATE "ItemParameter" p SET "versionId" = COALESCE(
  (SELECT i."versionId" FROM "CalibrationItemResult" i WHERE i."runId" = p."sourceRunId" AND i."challengeId" = p."challengeId"),
  (SELECT c."liveVersionId" FROM "Challenge" c WHERE c.id = p."challengeId"));
-- Releases before this change are confirmed: only new rollbacks hold the nightly release.
UPDATE "Release" SET "confirmedAt" = "createdAt";
