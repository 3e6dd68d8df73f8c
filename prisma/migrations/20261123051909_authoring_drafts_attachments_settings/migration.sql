-- AlterTable
ALTER TABLE "Tutorial" ADD COLUMN     "lastCheckNote" TEXT;

-- CreateTable
CREATE TABLE "ChallengeDraft" (
    "id" TEXT NOT NULL,
    "challengeId" TEXT,
    "skillId" TEXT,
    "userId" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "baseVersionNumber" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChallengeDraft_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attachment" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "sha256" TEXT NOT NULL,
    "uploadedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlatformSetting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformSetting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ChallengeDraft_userId_idx" ON "ChallengeDraft"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ChallengeDraft_challengeId_userId_key" ON "ChallengeDraft"("challengeId", "userId");

-- AddForeignKey
ALTER TABLE "ChallengeDraft" ADD CONSTRAINT "ChallengeDraft_challengeId_fkey" FOREIGN KEY ("challengeId") REFERENCES "Challenge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeDraft" ADD CONSTRAINT "ChallengeDraft_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
