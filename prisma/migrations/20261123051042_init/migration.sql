-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "GlobalRole" AS ENUM ('ADMIN', 'AUTHOR', 'REVIEWER', 'PSYCHOMETRICIAN', 'LEARNER');

-- CreateEnum
CREATE TYPE "OrganisationType" AS ENUM ('SCO', 'SUP', 'PRO');

-- CreateEnum
CREATE TYPE "OrganisationRole" AS ENUM ('ADMIN', 'TEACHER');

-- CreateEnum
CREATE TYPE "CentreRole" AS ENUM ('ADMIN', 'STAFF');

-- CreateEnum
CREATE TYPE "SkillStatus" AS ENUM ('en_construction', 'actif', 'archive', 'perime');

-- CreateEnum
CREATE TYPE "TutorialLinkStatus" AS ENUM ('UNCHECKED', 'OK', 'DEAD');

-- CreateEnum
CREATE TYPE "SkillTutorialKind" AS ENUM ('UNDERSTAND', 'LEARN_MORE');

-- CreateEnum
CREATE TYPE "ChallengeType" AS ENUM ('QCU', 'QCM', 'QROC', 'QROCM-ind', 'QROCM-dep');

-- CreateEnum
CREATE TYPE "ChallengeStatus" AS ENUM ('propose', 'submitted', 'valide', 'archive', 'perime');

-- CreateEnum
CREATE TYPE "AssessmentType" AS ENUM ('POSITIONING', 'CAMPAIGN', 'CERTIFICATION', 'PREVIEW');

-- CreateEnum
CREATE TYPE "AssessmentState" AS ENUM ('STARTED', 'COMPLETED', 'ABORTED', 'ENDED_BY_INVIGILATOR');

-- CreateEnum
CREATE TYPE "AnswerResult" AS ENUM ('ok', 'ko', 'skipped', 'timedout', 'aband');

-- CreateEnum
CREATE TYPE "KnowledgeStatus" AS ENUM ('validated', 'invalidated');

-- CreateEnum
CREATE TYPE "KnowledgeSource" AS ENUM ('direct', 'inferred', 'estimated');

-- CreateEnum
CREATE TYPE "CalibrationStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "CalibrationTrigger" AS ENUM ('MANUAL', 'SCHEDULE', 'NEW_ANSWERS');

-- CreateEnum
CREATE TYPE "CampaignType" AS ENUM ('ASSESSMENT', 'PROFILES_COLLECTION');

-- CreateEnum
CREATE TYPE "ParticipationStatus" AS ENUM ('STARTED', 'TO_SHARE', 'SHARED');

-- CreateEnum
CREATE TYPE "SessionStatus" AS ENUM ('CREATED', 'FINALIZED', 'IN_REVIEW', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "CourseStatus" AS ENUM ('STARTED', 'FINISHED', 'ENDED_BY_INVIGILATOR', 'ABANDONED', 'CANCELLED');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'fr',
    "roles" "GlobalRole"[],
    "birthDate" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuthSession" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AuthSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "success" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Organisation" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "OrganisationType" NOT NULL,
    "externalId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "role" "OrganisationRole" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrganisationLearner" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "userId" TEXT,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "division" TEXT,
    "studentNumber" TEXT,
    "birthDate" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "detachedAt" TIMESTAMP(3),

    CONSTRAINT "OrganisationLearner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificationCentre" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "OrganisationType" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificationCentre_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CentreMembership" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "centreId" TEXT NOT NULL,
    "role" "CentreRole" NOT NULL,

    CONSTRAINT "CentreMembership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Area" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "titleFr" TEXT NOT NULL,
    "titleEn" TEXT NOT NULL,

    CONSTRAINT "Area_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Competence" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "areaId" TEXT NOT NULL,
    "titleFr" TEXT NOT NULL,
    "titleEn" TEXT NOT NULL,

    CONSTRAINT "Competence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Thematic" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "competenceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Thematic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tube" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "thematicId" TEXT NOT NULL,
    "competenceId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Tube_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Skill" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tubeId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "status" "SkillStatus" NOT NULL DEFAULT 'en_construction',
    "hint" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Skill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tutorial" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "duration" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'fr-fr',
    "licence" TEXT,
    "linkStatus" "TutorialLinkStatus" NOT NULL DEFAULT 'UNCHECKED',
    "lastCheckedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tutorial_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SkillTutorial" (
    "skillId" TEXT NOT NULL,
    "tutorialId" TEXT NOT NULL,
    "kind" "SkillTutorialKind" NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SkillTutorial_pkey" PRIMARY KEY ("skillId","tutorialId","kind")
);

-- CreateTable
CREATE TABLE "UserTutorial" (
    "userId" TEXT NOT NULL,
    "tutorialId" TEXT NOT NULL,
    "saved" BOOLEAN NOT NULL DEFAULT false,
    "useful" BOOLEAN,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UserTutorial_pkey" PRIMARY KEY ("userId","tutorialId")
);

-- CreateTable
CREATE TABLE "Challenge" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "skillId" TEXT NOT NULL,
    "type" "ChallengeType" NOT NULL,
    "status" "ChallengeStatus" NOT NULL DEFAULT 'propose',
    "isPrototype" BOOLEAN NOT NULL DEFAULT true,
    "prototypeId" TEXT,
    "currentVersionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Challenge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChallengeVersion" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "authorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChallengeVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChallengeStatusChange" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "fromStatus" "ChallengeStatus",
    "toStatus" "ChallengeStatus" NOT NULL,
    "message" TEXT NOT NULL,
    "userId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChallengeStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewComment" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "versionId" TEXT,
    "userId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "ReviewComment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Release" (
    "id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "message" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Release_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReleaseChallenge" (
    "releaseId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "skillId" TEXT NOT NULL,

    CONSTRAINT "ReleaseChallenge_pkey" PRIMARY KEY ("releaseId","challengeId")
);

-- CreateTable
CREATE TABLE "Assessment" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" "AssessmentType" NOT NULL,
    "state" "AssessmentState" NOT NULL DEFAULT 'STARTED',
    "competenceId" TEXT,
    "participationId" TEXT,
    "certificationCourseId" TEXT,
    "releaseId" TEXT,
    "parameterSetId" TEXT,
    "engineState" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Assessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AssessmentChallenge" (
    "assessmentId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "presentation" JSONB,
    "askedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AssessmentChallenge_pkey" PRIMARY KEY ("assessmentId","challengeId")
);

-- CreateTable
CREATE TABLE "Answer" (
    "id" BIGSERIAL NOT NULL,
    "assessmentId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "challengeVersionId" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "result" "AnswerResult" NOT NULL,
    "timeSpentSeconds" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Answer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Neutralisation" (
    "answerId" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "decidedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Neutralisation_pkey" PRIMARY KEY ("answerId")
);

-- CreateTable
CREATE TABLE "KnowledgeElement" (
    "id" BIGSERIAL NOT NULL,
    "userId" TEXT NOT NULL,
    "skillId" TEXT NOT NULL,
    "competenceId" TEXT NOT NULL,
    "assessmentId" TEXT,
    "answerId" BIGINT,
    "status" "KnowledgeStatus" NOT NULL,
    "source" "KnowledgeSource" NOT NULL,
    "earnedPix" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KnowledgeElement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalibrationRun" (
    "id" TEXT NOT NULL,
    "status" "CalibrationStatus" NOT NULL DEFAULT 'QUEUED',
    "trigger" "CalibrationTrigger" NOT NULL DEFAULT 'MANUAL',
    "model" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "requestedById" TEXT,
    "jobId" TEXT,
    "progress" JSONB,
    "logLik" DOUBLE PRECISION,
    "iterations" INTEGER,
    "converged" BOOLEAN,
    "persons" INTEGER,
    "answers" INTEGER,
    "seconds" DOUBLE PRECISION,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "CalibrationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalibrationItemResult" (
    "runId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "a" DOUBLE PRECISION NOT NULL,
    "d" DOUBLE PRECISION NOT NULL,
    "b" DOUBLE PRECISION NOT NULL,
    "seA" DOUBLE PRECISION,
    "seD" DOUBLE PRECISION,
    "seB" DOUBLE PRECISION,
    "n" INTEGER NOT NULL,
    "pValue" DOUBLE PRECISION NOT NULL,
    "pointBiserial" DOUBLE PRECISION,
    "infit" DOUBLE PRECISION,
    "outfit" DOUBLE PRECISION,
    "anchored" BOOLEAN NOT NULL DEFAULT false,
    "flags" TEXT[],
    "driftDeltaB" DOUBLE PRECISION,
    "dif" JSONB,

    CONSTRAINT "CalibrationItemResult_pkey" PRIMARY KEY ("runId","challengeId")
);

-- CreateTable
CREATE TABLE "ParameterSet" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "sourceRunId" TEXT,
    "approvedById" TEXT,
    "approvedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" TEXT NOT NULL DEFAULT '',
    "cutScores" JSONB NOT NULL,

    CONSTRAINT "ParameterSet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemParameter" (
    "parameterSetId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "a" DOUBLE PRECISION NOT NULL,
    "d" DOUBLE PRECISION NOT NULL,
    "b" DOUBLE PRECISION NOT NULL,
    "seA" DOUBLE PRECISION,
    "seD" DOUBLE PRECISION,
    "seB" DOUBLE PRECISION,

    CONSTRAINT "ItemParameter_pkey" PRIMARY KEY ("parameterSetId","challengeId")
);

-- CreateTable
CREATE TABLE "TargetProfile" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TargetProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TargetProfileTube" (
    "targetProfileId" TEXT NOT NULL,
    "tubeId" TEXT NOT NULL,
    "maxLevel" INTEGER NOT NULL,

    CONSTRAINT "TargetProfileTube_pkey" PRIMARY KEY ("targetProfileId","tubeId")
);

-- CreateTable
CREATE TABLE "Campaign" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "CampaignType" NOT NULL,
    "organisationId" TEXT NOT NULL,
    "targetProfileId" TEXT,
    "creatorId" TEXT NOT NULL,
    "title" TEXT,
    "landingText" TEXT,
    "externalIdLabel" TEXT,
    "multipleSendings" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" TIMESTAMP(3),

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CampaignParticipation" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "organisationLearnerId" TEXT,
    "status" "ParticipationStatus" NOT NULL DEFAULT 'STARTED',
    "participantExternalId" TEXT,
    "masteryRate" DOUBLE PRECISION,
    "validatedSkillsCount" INTEGER,
    "isImproved" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sharedAt" TIMESTAMP(3),

    CONSTRAINT "CampaignParticipation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificationSession" (
    "id" TEXT NOT NULL,
    "centreId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "room" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "time" TEXT NOT NULL,
    "examiner" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "accessCode" TEXT NOT NULL,
    "invigilatorPassword" TEXT NOT NULL,
    "durationMinutes" INTEGER NOT NULL DEFAULT 105,
    "status" "SessionStatus" NOT NULL DEFAULT 'CREATED',
    "parameterSetId" TEXT,
    "finalizedAt" TIMESTAMP(3),
    "publishedAt" TIMESTAMP(3),
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificationSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificationCandidate" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "userId" TEXT,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "birthDate" DATE NOT NULL,
    "birthPlace" TEXT NOT NULL,
    "email" TEXT,
    "externalId" TEXT,
    "extraTimePercentage" INTEGER NOT NULL DEFAULT 0,
    "presentAt" TIMESTAMP(3),
    "authorizedAt" TIMESTAMP(3),

    CONSTRAINT "CertificationCandidate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificationCourse" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "candidateId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "status" "CourseStatus" NOT NULL DEFAULT 'STARTED',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "CertificationCourse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CertificationIssue" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "subcategory" TEXT,
    "description" TEXT NOT NULL,
    "challengeId" TEXT,
    "needsAction" BOOLEAN NOT NULL DEFAULT true,
    "resolution" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CertificationIssue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Certificate" (
    "id" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "verificationCode" TEXT NOT NULL,
    "pixScore" INTEGER NOT NULL,
    "competenceLevels" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "deliveredAt" TIMESTAMP(3),
    "publishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Certificate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "AuthSession_userId_idx" ON "AuthSession"("userId");

-- CreateIndex
CREATE INDEX "LoginAttempt_email_createdAt_idx" ON "LoginAttempt"("email", "createdAt");

-- CreateIndex
CREATE INDEX "LoginAttempt_ip_createdAt_idx" ON "LoginAttempt"("ip", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_externalId_key" ON "Organisation"("externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_organisationId_key" ON "Membership"("userId", "organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "OrganisationLearner_organisationId_studentNumber_key" ON "OrganisationLearner"("organisationId", "studentNumber");

-- CreateIndex
CREATE UNIQUE INDEX "CentreMembership_userId_centreId_key" ON "CentreMembership"("userId", "centreId");

-- CreateIndex
CREATE UNIQUE INDEX "Area_code_key" ON "Area"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Competence_code_key" ON "Competence"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Thematic_key_key" ON "Thematic"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Tube_name_key" ON "Tube"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Skill_name_key" ON "Skill"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Skill_tubeId_level_key" ON "Skill"("tubeId", "level");

-- CreateIndex
CREATE UNIQUE INDEX "Tutorial_key_key" ON "Tutorial"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Challenge_key_key" ON "Challenge"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Challenge_currentVersionId_key" ON "Challenge"("currentVersionId");

-- CreateIndex
CREATE INDEX "Challenge_skillId_status_idx" ON "Challenge"("skillId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ChallengeVersion_challengeId_number_key" ON "ChallengeVersion"("challengeId", "number");

-- CreateIndex
CREATE INDEX "ChallengeStatusChange_challengeId_createdAt_idx" ON "ChallengeStatusChange"("challengeId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Release_number_key" ON "Release"("number");

-- CreateIndex
CREATE INDEX "ReleaseChallenge_releaseId_skillId_idx" ON "ReleaseChallenge"("releaseId", "skillId");

-- CreateIndex
CREATE UNIQUE INDEX "Assessment_certificationCourseId_key" ON "Assessment"("certificationCourseId");

-- CreateIndex
CREATE INDEX "Assessment_userId_competenceId_idx" ON "Assessment"("userId", "competenceId");

-- CreateIndex
CREATE UNIQUE INDEX "AssessmentChallenge_assessmentId_position_key" ON "AssessmentChallenge"("assessmentId", "position");

-- CreateIndex
CREATE INDEX "Answer_challengeId_idx" ON "Answer"("challengeId");

-- CreateIndex
CREATE INDEX "Answer_createdAt_idx" ON "Answer"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Answer_assessmentId_challengeId_key" ON "Answer"("assessmentId", "challengeId");

-- CreateIndex
CREATE INDEX "KnowledgeElement_userId_competenceId_createdAt_idx" ON "KnowledgeElement"("userId", "competenceId", "createdAt");

-- CreateIndex
CREATE INDEX "KnowledgeElement_userId_skillId_idx" ON "KnowledgeElement"("userId", "skillId");

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationRun_jobId_key" ON "CalibrationRun"("jobId");

-- CreateIndex
CREATE UNIQUE INDEX "ParameterSet_version_key" ON "ParameterSet"("version");

-- CreateIndex
CREATE UNIQUE INDEX "Campaign_code_key" ON "Campaign"("code");

-- CreateIndex
CREATE INDEX "CampaignParticipation_campaignId_status_idx" ON "CampaignParticipation"("campaignId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CertificationSession_accessCode_key" ON "CertificationSession"("accessCode");

-- CreateIndex
CREATE UNIQUE INDEX "CertificationCourse_candidateId_key" ON "CertificationCourse"("candidateId");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_courseId_key" ON "Certificate"("courseId");

-- CreateIndex
CREATE UNIQUE INDEX "Certificate_verificationCode_key" ON "Certificate"("verificationCode");

-- AddForeignKey
ALTER TABLE "AuthSession" ADD CONSTRAINT "AuthSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationLearner" ADD CONSTRAINT "OrganisationLearner_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationLearner" ADD CONSTRAINT "OrganisationLearner_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CentreMembership" ADD CONSTRAINT "CentreMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CentreMembership" ADD CONSTRAINT "CentreMembership_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "CertificationCentre"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Competence" ADD CONSTRAINT "Competence_areaId_fkey" FOREIGN KEY ("areaId") REFERENCES "Area"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Thematic" ADD CONSTRAINT "Thematic_competenceId_fkey" FOREIGN KEY ("competenceId") REFERENCES "Competence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tube" ADD CONSTRAINT "Tube_thematicId_fkey" FOREIGN KEY ("thematicId") REFERENCES "Thematic"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tube" ADD CONSTRAINT "Tube_competenceId_fkey" FOREIGN KEY ("competenceId") REFERENCES "Competence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Skill" ADD CONSTRAINT "Skill_tubeId_fkey" FOREIGN KEY ("tubeId") REFERENCES "Tube"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SkillTutorial" ADD CONSTRAINT "SkillTutorial_skillId_fkey" FOREIGN KEY ("skillId") REFERENCES "Skill"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SkillTutorial" ADD CONSTRAINT "SkillTutorial_tutorialId_fkey" FOREIGN KEY ("tutorialId") REFERENCES "Tutorial"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserTutorial" ADD CONSTRAINT "UserTutorial_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserTutorial" ADD CONSTRAINT "UserTutorial_tutorialId_fkey" FOREIGN KEY ("tutorialId") REFERENCES "Tutorial"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_skillId_fkey" FOREIGN KEY ("skillId") REFERENCES "Skill"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_prototypeId_fkey" FOREIGN KEY ("prototypeId") REFERENCES "Challenge"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_currentVersionId_fkey" FOREIGN KEY ("currentVersionId") REFERENCES "ChallengeVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeVersion" ADD CONSTRAINT "ChallengeVersion_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeVersion" ADD CONSTRAINT "ChallengeVersion_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeStatusChange" ADD CONSTRAINT "ChallengeStatusChange_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeStatusChange" ADD CONSTRAINT "ChallengeStatusChange_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewComment" ADD CONSTRAINT "ReviewComment_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewComment" ADD CONSTRAINT "ReviewComment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Release" ADD CONSTRAINT "Release_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReleaseChallenge" ADD CONSTRAINT "ReleaseChallenge_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReleaseChallenge" ADD CONSTRAINT "ReleaseChallenge_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReleaseChallenge" ADD CONSTRAINT "ReleaseChallenge_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ChallengeVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_competenceId_fkey" FOREIGN KEY ("competenceId") REFERENCES "Competence"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_participationId_fkey" FOREIGN KEY ("participationId") REFERENCES "CampaignParticipation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_certificationCourseId_fkey" FOREIGN KEY ("certificationCourseId") REFERENCES "CertificationCourse"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assessment" ADD CONSTRAINT "Assessment_parameterSetId_fkey" FOREIGN KEY ("parameterSetId") REFERENCES "ParameterSet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentChallenge" ADD CONSTRAINT "AssessmentChallenge_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "Assessment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AssessmentChallenge" ADD CONSTRAINT "AssessmentChallenge_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Answer" ADD CONSTRAINT "Answer_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "Assessment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Answer" ADD CONSTRAINT "Answer_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Answer" ADD CONSTRAINT "Answer_challengeVersionId_fkey" FOREIGN KEY ("challengeVersionId") REFERENCES "ChallengeVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Neutralisation" ADD CONSTRAINT "Neutralisation_answerId_fkey" FOREIGN KEY ("answerId") REFERENCES "Answer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeElement" ADD CONSTRAINT "KnowledgeElement_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeElement" ADD CONSTRAINT "KnowledgeElement_skillId_fkey" FOREIGN KEY ("skillId") REFERENCES "Skill"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeElement" ADD CONSTRAINT "KnowledgeElement_competenceId_fkey" FOREIGN KEY ("competenceId") REFERENCES "Competence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeElement" ADD CONSTRAINT "KnowledgeElement_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "Assessment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KnowledgeElement" ADD CONSTRAINT "KnowledgeElement_answerId_fkey" FOREIGN KEY ("answerId") REFERENCES "Answer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalibrationRun" ADD CONSTRAINT "CalibrationRun_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalibrationItemResult" ADD CONSTRAINT "CalibrationItemResult_runId_fkey" FOREIGN KEY ("runId") REFERENCES "CalibrationRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalibrationItemResult" ADD CONSTRAINT "CalibrationItemResult_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParameterSet" ADD CONSTRAINT "ParameterSet_sourceRunId_fkey" FOREIGN KEY ("sourceRunId") REFERENCES "CalibrationRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParameterSet" ADD CONSTRAINT "ParameterSet_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemParameter" ADD CONSTRAINT "ItemParameter_parameterSetId_fkey" FOREIGN KEY ("parameterSetId") REFERENCES "ParameterSet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemParameter" ADD CONSTRAINT "ItemParameter_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TargetProfile" ADD CONSTRAINT "TargetProfile_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TargetProfileTube" ADD CONSTRAINT "TargetProfileTube_targetProfileId_fkey" FOREIGN KEY ("targetProfileId") REFERENCES "TargetProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TargetProfileTube" ADD CONSTRAINT "TargetProfileTube_tubeId_fkey" FOREIGN KEY ("tubeId") REFERENCES "Tube"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_targetProfileId_fkey" FOREIGN KEY ("targetProfileId") REFERENCES "TargetProfile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Campaign" ADD CONSTRAINT "Campaign_creatorId_fkey" FOREIGN KEY ("creatorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignParticipation" ADD CONSTRAINT "CampaignParticipation_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignParticipation" ADD CONSTRAINT "CampaignParticipation_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CampaignParticipation" ADD CONSTRAINT "CampaignParticipation_organisationLearnerId_fkey" FOREIGN KEY ("organisationLearnerId") REFERENCES "OrganisationLearner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificationSession" ADD CONSTRAINT "CertificationSession_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "CertificationCentre"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificationSession" ADD CONSTRAINT "CertificationSession_parameterSetId_fkey" FOREIGN KEY ("parameterSetId") REFERENCES "ParameterSet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificationCandidate" ADD CONSTRAINT "CertificationCandidate_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "CertificationSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificationCourse" ADD CONSTRAINT "CertificationCourse_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "CertificationSession"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificationCourse" ADD CONSTRAINT "CertificationCourse_candidateId_fkey" FOREIGN KEY ("candidateId") REFERENCES "CertificationCandidate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificationCourse" ADD CONSTRAINT "CertificationCourse_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CertificationIssue" ADD CONSTRAINT "CertificationIssue_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "CertificationCourse"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Certificate" ADD CONSTRAINT "Certificate_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "CertificationCourse"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
