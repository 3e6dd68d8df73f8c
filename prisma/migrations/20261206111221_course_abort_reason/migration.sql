-- CreateEnum
CREATE TYPE "CourseAbortReason" AS ENUM ('CANDIDATE', 'TECHNICAL');

-- AlterTable
ALTER TABLE "CertificationCourse" ADD COLUMN     "abortReason" "CourseAbortReason";
