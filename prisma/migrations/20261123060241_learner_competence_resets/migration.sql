-- CreateTable
CREATE TABLE "CompetenceReset" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "competenceId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CompetenceReset_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CompetenceReset_userId_competenceId_createdAt_idx" ON "CompetenceReset"("userId", "competenceId", "createdAt");

-- AddForeignKey
ALTER TABLE "CompetenceReset" ADD CONSTRAINT "CompetenceReset_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CompetenceReset" ADD CONSTRAINT "CompetenceReset_competenceId_fkey" FOREIGN KEY ("competenceId") REFERENCES "Competence"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
