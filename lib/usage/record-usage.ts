// Usage rows for attempts that end (UsageRecord: one per attempt and UTC day it ran in), written
// by the engine in the transaction that records the attempts' end (engine/outcomes.ts), so an
// attempt's usage exists exactly when its stoppedAt does. Two statements per chunk whatever its
// size: one SELECT of what the attempts ran with (start, reservation, queue and definition
// names, share, submitter), one multi-row INSERT. Raw SQL that runs on both databases, in a
// direct transaction (the engine's writer) or a Prisma one (recovery).
import { Prisma } from "@/generated/sqlite/client";
import type { RawSql } from "@/lib/db/direct";
import { splitAtUtcMidnights } from "./days";

export interface EndedAttempt {
  attemptId: string;
  /** Epoch ms: the stop time about to be written to JobAttempt.stoppedAt. */
  stoppedAt: number;
}

interface AttemptRow {
  attemptId: string;
  startedAt: number | bigint | string;
  jobId: string;
  organizationId: string;
  vcpus: number;
  memoryMiB: number | bigint;
  gpus: number | bigint;
  shareIdentifier: string | null;
  submittedById: string | null;
  jobQueueName: string;
  jobDefinitionName: string;
}

/** Bound parameters per statement, within both databases' limits (as lib/jobs/insert-jobs.ts). */
const MAX_PARAMS = 30_000;
/** 12 bound parameters per usage row. */
const ROWS_PER_INSERT = Math.floor(MAX_PARAMS / 12);

/**
 * Records the usage of `ended` (a chunk of at most ~1,000 attempts), read before their
 * stoppedAt is written: an attempt that already has one was recorded when it first ended (a
 * replayed outcome, or an engine that lost its lease reporting an attempt recovery already
 * closed), and counting it again, perhaps across another midnight, would count it twice. An
 * attempt with no startedAt never ran and uses nothing; a missing attempt row matches nothing.
 * ON CONFLICT DO NOTHING keeps a replay inside one flush from counting twice as well.
 */
export async function recordUsage(tx: RawSql, ended: readonly EndedAttempt[]): Promise<void> {
  if (ended.length === 0) return;
  const stopOf = new Map<string, number>();
  for (const e of ended) if (!stopOf.has(e.attemptId)) stopOf.set(e.attemptId, e.stoppedAt);
  const attempts = await tx.$queryRaw<AttemptRow[]>`
    SELECT a."id" AS "attemptId", a."startedAt" AS "startedAt", j."id" AS "jobId",
      j."organizationId" AS "organizationId", j."vcpus" AS "vcpus", j."memoryMiB" AS "memoryMiB",
      j."gpus" AS "gpus", j."shareIdentifier" AS "shareIdentifier", j."submittedById" AS "submittedById",
      q."name" AS "jobQueueName", d."name" AS "jobDefinitionName"
    FROM "JobAttempt" a
    JOIN "Job" j ON j."id" = a."jobId"
    JOIN "JobQueue" q ON q."id" = j."jobQueueId"
    JOIN "JobDefinition" d ON d."id" = j."jobDefinitionId"
    WHERE a."id" IN (${Prisma.join([...stopOf.keys()])})
      AND a."stoppedAt" IS NULL AND a."startedAt" IS NOT NULL`;
  const rows: Prisma.Sql[] = [];
  for (const a of attempts) {
    const stoppedAt = stopOf.get(a.attemptId);
    if (stoppedAt === undefined) continue;
    for (const piece of splitAtUtcMidnights(Number(a.startedAt), stoppedAt)) {
      rows.push(
        Prisma.sql`(${a.attemptId}, ${piece.day}, ${a.organizationId}, ${a.jobId}, ${a.jobQueueName}, ${a.jobDefinitionName}, ${a.shareIdentifier}, ${a.submittedById}, ${piece.durationMs}, ${Number(a.vcpus)}, ${Number(a.memoryMiB)}, ${Number(a.gpus)})`,
      );
    }
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await tx.$executeRaw`
      INSERT INTO "UsageRecord"
        ("attemptId", "day", "organizationId", "jobId", "jobQueueName", "jobDefinitionName", "shareIdentifier",
         "submittedById", "durationMs", "vcpus", "memoryMiB", "gpus")
      VALUES ${Prisma.join(rows.slice(i, i + ROWS_PER_INSERT))}
      ON CONFLICT ("attemptId", "day") DO NOTHING`;
  }
}
