// Every operation that names a queue (SubmitJob, ListJobs, UpdateJobQueue, …) accepts either
// the name or the ARN, as AWS does. An ARN is honoured only when its account is this
// organization's, so naming another tenant's queue reads exactly like naming one that does not
// exist. Deleted queues (kept for their jobs' history) are never found.
import type { JobQueue } from "@/generated/sqlite/client";
import { jobQueueArn, looksLikeArn, parseArn } from "@/lib/batch/arn";
import type { DbOrTx } from "@/lib/db";
import { AppError, invalid } from "@/lib/errors";
import { accountIdOf } from "../account";

export type JobQueueRow = JobQueue;

export async function resolveJobQueue(db: DbOrTx, organizationId: string, nameOrArn: string): Promise<JobQueueRow> {
  const name = await jobQueueNameFrom(db, organizationId, nameOrArn);
  const row = await db.jobQueue.findUnique({
    where: { organizationId_liveName: { organizationId, liveName: name } },
  });
  if (!row) throw await jobQueueMissing(db, organizationId, nameOrArn);
  return row;
}

/** The queue name a name-or-ARN refers to, after checking the ARN belongs to this organization. */
export async function jobQueueNameFrom(db: DbOrTx, organizationId: string, nameOrArn: string): Promise<string> {
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

async function jobQueueMissing(db: DbOrTx, organizationId: string, nameOrArn: string): Promise<AppError> {
  const arn = looksLikeArn(nameOrArn) ? nameOrArn : jobQueueArn(await accountIdOf(db, organizationId), nameOrArn);
  return new AppError("NOT_FOUND", `${arn} does not exist`);
}
