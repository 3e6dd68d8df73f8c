-- AlterTable
ALTER TABLE "ParameterSet" ADD COLUMN     "restoredFromVersion" INTEGER;
