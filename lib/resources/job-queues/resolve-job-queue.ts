// Every operation that names a queue (SubmitJob, ListJobs, UpdateJobQueue, …) accepts either
// the name or the ARN, as AWS does. An ARN is honoured only when its account is this
// organization's, so naming another tenant's queue reads exactly like naming one that does not
// exist. Deleted queues (kept for their jobs' history) are never found.
import type { JobQueue } from "@/generated/sqlite/client";
import { jobQueueArn, looksLikeArn, parseArn } from "@/lib/batch/arn";
import { type RawSql, rawSql } from "@/lib/db/direct";
import { type RawDate, rawDate, rawDateRequired } from "@/lib/db/raw";
import { AppError, invalid } from "@/lib/errors";
import { accountIdOf } from "../account";

export type JobQueueRow = JobQueue;

type RawJobQueue = Omit<JobQueue, "deletedAt" | "createdAt" | "updatedAt"> & {
  deletedAt: RawDate;
  createdAt: RawDate;
  updatedAt: RawDate;
};

/**
 * The live queue a name or ARN names. Every SubmitJob starts here, so the row is read with one
 * raw statement (Prisma's builder compiles each query afresh, and that costs more than the read).
 */
export async function resolveJobQueue(db: RawSql, organizationId: string, nameOrArn: string): Promise<JobQueueRow> {
  const name = await jobQueueNameFrom(db, organizationId, nameOrArn);
  const [row] = await rawSql(db).$queryRaw<RawJobQueue[]>`
    SELECT * FROM "JobQueue" WHERE "organizationId" = ${organizationId} AND "liveName" = ${name}`;
  if (!row) throw await jobQueueMissing(db, organizationId, nameOrArn);
  return {
    ...row,
    deletedAt: rawDate(row.deletedAt),
    createdAt: rawDateRequired(row.createdAt, "JobQueue.createdAt"),
    updatedAt: rawDateRequired(row.updatedAt, "JobQueue.updatedAt"),
  };
}

/** The queue name a name-or-ARN refers to, after checking the ARN belongs to this organization. */
export async function jobQueueNameFrom(db: RawSql, organizationId: string, nameOrArn: string): Promise<string> {
  if (!looksLikeArn(nameOrArn)) {
    if (nameOrArn.length === 0) throw invalid("jobQueue: a job queue name or ARN is required.");
    return nameOrArn;
  }
  const parsed = parseArn(nameOrArn);
  if (!parsed || parsed.resourceType !== "job-queue") {
    throw invalid(`${nameOrArn} is not a valid job queue ARN.`);
  }
  if (parsed.accountId !== (await accountIdOf(db, organizationId))) {
    throw await jobQueueMissing(db, organizationId, nameOrArn);
  }
  return parsed.name;
}

async function jobQueueMissing(db: RawSql, organizationId: string, nameOrArn: string): Promise<AppError> {
  const arn = looksLikeArn(nameOrArn) ? nameOrArn : jobQueueArn(await accountIdOf(db, organizationId), nameOrArn);
  return new AppError("NOT_FOUND", `${arn} does not exist`);
}
