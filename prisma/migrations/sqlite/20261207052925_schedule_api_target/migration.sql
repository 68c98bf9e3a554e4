-- AlterTable
ALTER TABLE "Schedule" ADD COLUMN "apiTarget" TEXT;

