-- AlterTable
ALTER TABLE "LogChunk" ADD COLUMN     "fileOffset" BIGINT;

