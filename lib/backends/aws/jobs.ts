// Jobs on the AWS backend: submit, describe, list, cancel and terminate through the SDK.
//
// Who may stop a job: AWS knows nothing of Batchdeck's members, so SubmitJob through Batchdeck
// tags each job with its submitter (SUBMITTED_BY_TAG). Roles with jobs.stopAny stop any job;
// roles with only jobs.stopOwn stop jobs carrying their own user id, which is what the built-in
// backend enforces with its submittedById column. Jobs submitted outside Batchdeck carry no tag
// and are stopped by managers only.
import {
  CancelJobCommand,
  DescribeJobsCommand,
  ListJobsCommand,
  type ListJobsCommandInput,
  SubmitJobCommand,
  type SubmitJobCommandInput,
  TerminateJobCommand,
} from "@aws-sdk/client-batch";
import type { OrgContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import {
  type JobDetail,
  type JobSummary,
  type ListJobsInput,
  MAX_DESCRIBE_JOBS,
  MAX_TAGS,
  type StopJobInput,
  type StopJobsInput,
  type StopJobsResult,
  type SubmitJobInput,
} from "@/lib/batch/shapes/jobs";
import type { Db } from "@/lib/db";
import { AppError, forbidden } from "@/lib/errors";
import { checkSubmitQuotas } from "@/lib/quotas/submit-quotas";
import { auditAws, callBatch, mapLimit } from "./call";
import type { AwsClients } from "./clients";
import { toJobDetail, toJobSummary } from "./shapes";

export const SUBMITTED_BY_TAG = "batchdeck:submittedBy";
/** Calls in flight at once for the bulk forms: well inside AWS's per-account request rates. */
export const BULK_CONCURRENCY = 5;

type StopKind = "CANCEL" | "TERMINATE";

export async function submitJob(clients: AwsClients, ctx: OrgContext, input: SubmitJobInput) {
  // Batchdeck's own quotas on its API (array size, SubmitJob rate) hold before the request is
  // relayed; "Jobs waiting" does not apply on AWS (lib/quotas/submit-quotas.ts).
  await checkSubmitQuotas(ctx, input);
  const tags: Record<string, string> = { ...input.tags };
  delete tags[SUBMITTED_BY_TAG];
  // A job already at AWS's tag limit keeps the caller's tags; it is then stoppable by managers only.
  if (Object.keys(tags).length < MAX_TAGS) tags[SUBMITTED_BY_TAG] = ctx.user.id;
  const out = await callBatch(clients, (c) =>
    c.send(new SubmitJobCommand({ ...input, tags } as unknown as SubmitJobCommandInput)),
  );
  const result = { jobArn: out.jobArn ?? "", jobName: out.jobName ?? input.jobName, jobId: out.jobId ?? "" };
  await recordDependencies(ctx, result, input.dependsOn ?? []);
  await auditAws(ctx, {
    action: "job.submit",
    targetType: "job",
    targetId: result.jobId,
    details: { jobName: input.jobName, jobQueue: input.jobQueue, jobDefinition: input.jobDefinition },
  });
  return result;
}

/**
 * What the job depends on, kept so that its upstream jobs' pages can list it: AWS has no call
 * that answers "who depends on this job" (console.ts listDependents).
 */
async function recordDependencies(
  ctx: OrgContext,
  job: { jobId: string; jobName: string },
  dependsOn: { jobId?: string; type?: string }[],
) {
  const edges = dependsOn.filter((d): d is { jobId: string; type?: string } => typeof d.jobId === "string");
  if (!job.jobId || edges.length === 0) return;
  const createdAt = BigInt(Date.now());
  await ctx.db.awsJobDependency.createMany({
    data: [...new Map(edges.map((d) => [d.jobId, d])).values()].map((d) => ({
      organizationId: ctx.organizationId,
      jobId: job.jobId,
      jobName: job.jobName,
      dependsOnJobId: d.jobId,
      type: d.type ?? null,
      createdAt,
    })),
  });
}

/** AWS keeps finished jobs for about a week; what depended on them is kept for 30 days. */
export const AWS_DEPENDENCY_DAYS = 30;

/** The engine's hourly prune: dependencies of jobs submitted more than 30 days ago. */
export async function pruneAwsJobDependencies(db: Db, now = Date.now()): Promise<number> {
  const { count } = await db.awsJobDependency.deleteMany({
    where: { createdAt: { lt: BigInt(now - AWS_DEPENDENCY_DAYS * 86_400_000) } },
  });
  return count;
}

export async function describeJobs(clients: AwsClients, ids: string[]): Promise<{ jobs: JobDetail[] }> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { jobs: [] };
  const pages = await mapLimit(chunk(unique, MAX_DESCRIBE_JOBS), BULK_CONCURRENCY, (part) =>
    callBatch(clients, (c) => c.send(new DescribeJobsCommand({ jobs: part }))),
  );
  return { jobs: pages.flatMap((p) => (p.jobs ?? []).map(toJobDetail)) };
}

export async function listJobs(
  clients: AwsClients,
  input: ListJobsInput,
): Promise<{ jobSummaryList: JobSummary[]; nextToken?: string }> {
  const out = await callBatch(clients, (c) => c.send(new ListJobsCommand(input as ListJobsCommandInput)));
  const jobSummaryList = (out.jobSummaryList ?? []).map(toJobSummary);
  return out.nextToken ? { jobSummaryList, nextToken: out.nextToken } : { jobSummaryList };
}

/**
 * CancelJobs / TerminateJobs (and the console's bulk actions): the single calls, a few at a
 * time, reported per job as AWS's bulk forms report them. A job AWS does not know counts as
 * successful, as in AWS's bulk calls; a failure to reach AWS at all fails the whole request.
 */
export async function stopJobs(
  clients: AwsClients,
  ctx: OrgContext,
  jobIds: string[],
  reason: string,
  kind: StopKind,
  opts: { requireExisting?: boolean } = {},
): Promise<StopJobsResult> {
  const stopAny = can(ctx.role, "jobs.stopAny");
  if (!stopAny && !can(ctx.role, "jobs.stopOwn")) throw forbidden("Your role does not allow stopping jobs.");
  const ids = [...new Set(jobIds)];
  const verb = kind === "CANCEL" ? "cancel" : "terminate";
  const result: StopJobsResult = { successful: [], errors: [] };
  let allowed = ids;
  if (!stopAny || opts.requireExisting) {
    // Children carry no tags of their own: their parents are read for the owner.
    const parents = ids.flatMap((id) => (id.includes(":") ? [id.slice(0, id.indexOf(":"))] : []));
    const { jobs } = await describeJobs(clients, [...ids, ...parents]);
    const known = new Map(jobs.map((j) => [j.jobId, j]));
    if (opts.requireExisting && !ids.some((id) => known.has(id)))
      throw new AppError("NOT_FOUND", `Job ${ids[0]} does not exist.`);
    allowed = [];
    for (const id of ids) {
      const job = known.get(id);
      const ownerId = job?.tags[SUBMITTED_BY_TAG] ?? parentOwner(known, id);
      if (!job || stopAny || ownerId === ctx.user.id) {
        allowed.push(id);
      } else {
        result.errors.push({
          job: id,
          code: "ClientException",
          message: `You can only ${verb} jobs you submitted: your role does not allow stopping other members' jobs.`,
        });
      }
    }
  }
  const outcomes = await mapLimit(allowed, BULK_CONCURRENCY, async (jobId) => {
    try {
      await callBatch(clients, (c) =>
        c.send(
          kind === "CANCEL" ? new CancelJobCommand({ jobId, reason }) : new TerminateJobCommand({ jobId, reason }),
        ),
      );
      return { jobId, error: null };
    } catch (error) {
      if (error instanceof AppError && (error.code === "INVALID_INPUT" || error.code === "NOT_FOUND")) {
        return { jobId, error };
      }
      throw error;
    }
  });
  for (const { jobId, error } of outcomes) {
    if (!error || error.code === "NOT_FOUND") {
      result.successful.push(jobId);
      if (!error)
        await auditAws(ctx, { action: `job.${verb}`, targetType: "job", targetId: jobId, details: { reason } });
    } else {
      result.errors.push({ job: jobId, code: "ClientException", message: error.message });
    }
  }
  return result;
}

/** An array child's owner is its parent's. */
function parentOwner(known: Map<string, JobDetail>, id: string): string | undefined {
  const colon = id.indexOf(":");
  return colon === -1 ? undefined : known.get(id.slice(0, colon))?.tags[SUBMITTED_BY_TAG];
}

export async function stopOne(clients: AwsClients, ctx: OrgContext, input: StopJobInput, kind: StopKind) {
  const result = await stopJobs(clients, ctx, [input.jobId], input.reason, kind, { requireExisting: true });
  const error = result.errors[0];
  if (error) throw new AppError(/^You can only/.test(error.message) ? "FORBIDDEN" : "INVALID_INPUT", error.message);
  return {} as Record<string, never>;
}

export const cancelJobs = (clients: AwsClients, ctx: OrgContext, input: StopJobsInput) =>
  stopJobs(clients, ctx, input.jobs, input.reason, "CANCEL");
export const terminateJobs = (clients: AwsClients, ctx: OrgContext, input: StopJobsInput) =>
  stopJobs(clients, ctx, input.jobs, input.reason, "TERMINATE");

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
