-- CreateIndex
CREATE INDEX "CertificationCourse_userId_status_idx" ON "CertificationCourse"("userId", "status");
