-- CreateEnum
CREATE TYPE "ReleaseKind" AS ENUM ('MANUAL', 'NIGHTLY', 'ROLLBACK');

-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "kind" "ReleaseKind" NOT NULL DEFAULT 'MANUAL',
ADD COLUMN     "restoredFromNumber" INTEGER;
