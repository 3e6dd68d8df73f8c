-- CreateTable
CREATE TABLE "TargetProfileStage" (
    "id" TEXT NOT NULL,
    "targetProfileId" TEXT NOT NULL,
    "threshold" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "TargetProfileStage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TargetProfileBadge" (
    "id" TEXT NOT NULL,
    "targetProfileId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "criteria" JSONB NOT NULL,

    CONSTRAINT "TargetProfileBadge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignParticipantResult" (
    "participationId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "status" "ParticipationStatus" NOT NULL,
    "lastName" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "division" TEXT,
    "masteryPercent" INTEGER NOT NULL,
    "validatedCount" INTEGER NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "stageIndex" INTEGER,
    "badges" TEXT[],
    "tubes" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sharedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignParticipantResult_pkey" PRIMARY KEY ("participationId")
);

-- CreateTable
CREATE TABLE "CampaignAggregate" (
    "campaignId" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "sourceCount" INTEGER NOT NULL,
    "sourceAt" TIMESTAMP(3),
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignAggregate_pkey" PRIMARY KEY ("campaignId")
);

-- CreateIndex
CREATE INDEX "TargetProfileStage_targetProfileId_idx" ON "TargetProfileStage"("targetProfileId");

-- CreateIndex
CREATE INDEX "TargetProfileBadge_targetProfileId_idx" ON "TargetProfileBadge"("targetProfileId");

-- CreateIndex
CREATE INDEX "CampaignParticipantResult_campaignId_lastName_firstName_idx" ON "CampaignParticipantResult"("campaignId", "lastName", "firstName");

-- CreateIndex
CREATE INDEX "CampaignParticipantResult_campaignId_division_idx" ON "CampaignParticipantResult"("campaignId", "division");

-- CreateIndex
CREATE INDEX "CampaignParticipantResult_campaignId_status_masteryPercent_idx" ON "CampaignParticipantResult"("campaignId", "status", "masteryPercent");

-- CreateIndex
CREATE INDEX "CampaignParticipation_userId_campaignId_idx" ON "CampaignParticipation"("userId", "campaignId");

-- AddForeignKey
ALTER TABLE "TargetProfileStage" ADD CONSTRAINT "TargetProfileStage_targetProfileId_fkey" FOREIGN KEY ("targetProfileId") REFERENCES "TargetProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TargetProfileBadge" ADD CONSTRAINT "TargetProfileBadge_targetProfileId_fkey" FOREIGN KEY ("targetProfileId") REFERENCES "TargetProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignParticipantResult" ADD CONSTRAINT "CampaignParticipantResult_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "CampaignParticipation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
