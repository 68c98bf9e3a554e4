// The console's extra reads on the AWS backend: capacity, per-queue counts, the job filter's
// ids and count, a job's dependents and why it waits, and the dashboard's series. AWS Batch has
// no call for most of these, so each is built from the calls it does have, with its limits said
// in the shape rather than papered over:
//
// - capacity: DescribeComputeEnvironments' desiredvCpus of maxvCpus (what AWS is scaling the
//   environment to); AWS does not say what memory or how many jobs are on it, so those are null;
// - counts: ListJobs per queue and status, one page of up to COUNT_PAGE_SIZE, "N+" past it;
// - the filter: the console's job list (list-jobs-for-console.ts) page by page;
// - dependents: AWS cannot list who depends on a job; those submitted through Batchdeck are
//   known (AwsJobDependency, written by SubmitJob in jobs.ts), and the answer says that the list
//   may be incomplete;
// - why a job waits: AWS's statusReason, its dependencies' statuses (DescribeJobs), the queue's
//   state and its environments' state and status, and its place in GetJobQueueSnapshot;
// - dashboard series: sampled from these counts by the engine (metrics.ts).
import {
  type ComputeEnvironmentDetail,
  DescribeComputeEnvironmentsCommand,
  DescribeJobQueuesCommand,
  GetJobQueueSnapshotCommand,
  type JobQueueDetail,
  ListJobsCommand,
} from "@aws-sdk/client-batch";
import type { OrgContext } from "@/lib/auth/context";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { CANCELLABLE_STATUSES, isJobStatus, JOB_STATUSES, JobStatus } from "@/lib/batch/states";
import { notFound } from "@/lib/errors";
import type { JobExplanation, JobWaitReason } from "@/lib/jobs/explain-job";
import type { DependentJob, DependentsResult, ListDependentsInput } from "@/lib/jobs/list-dependents";
import type { ConsoleJobListInput } from "@/lib/jobs/list-jobs";
import type { JobQueueCounts } from "@/lib/jobs/queue-counts";
import type { ComputeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";
import { callBatch, mapLimit } from "./call";
import type { AwsClients } from "./clients";
import { describeJobs, SUBMITTED_BY_TAG } from "./jobs";
import { listJobsForConsole } from "./list-jobs-for-console";

/** One ListJobs page per queue and status: a count past it shows as "1000+". */
export const COUNT_PAGE_SIZE = 1000;
/** Most jobs countJobsForConsole counts on AWS (each 100 costs a ListJobs call per queue). */
export const AWS_COUNT_CAP = 2_000;
/** Console list pages read at most per resolveJobFilter / countJobsForConsole call. */
const MAX_FILTER_PAGES = 20;
const CONCURRENCY = 4;

export const DEPENDENTS_PARTIAL =
  "Only jobs submitted through Batchdeck are listed here: AWS Batch has no call that lists the jobs depending on a job.";

export async function describeAllComputeEnvironments(clients: AwsClients, names?: string[]) {
  const out: ComputeEnvironmentDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callBatch(clients, (c) =>
      c.send(
        new DescribeComputeEnvironmentsCommand({
          ...(names ? { computeEnvironments: names } : { maxResults: 100 }),
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    );
    out.push(...(page.computeEnvironments ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

export async function describeAllJobQueues(clients: AwsClients) {
  const out: JobQueueDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callBatch(clients, (c) =>
      c.send(new DescribeJobQueuesCommand({ maxResults: 100, ...(nextToken ? { nextToken } : {}) })),
    );
    out.push(...(page.jobQueues ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

export async function computeEnvironmentUsage(
  clients: AwsClients,
): Promise<{ computeEnvironments: ComputeEnvironmentUsage[] }> {
  const environments = await describeAllComputeEnvironments(clients);
  return {
    computeEnvironments: environments
      .map((e): ComputeEnvironmentUsage => {
        const resources = e.computeResources;
        return {
          computeEnvironmentName: e.computeEnvironmentName ?? "",
          basis: "desired",
          // Unmanaged environments have no computeResources: AWS does not size them.
          maxVcpus: resources?.maxvCpus ?? null,
          maxMemoryMiB: null,
          gpuIds: [],
          jobs: null,
          vcpus: resources ? (resources.desiredvCpus ?? 0) : null,
          memoryMiB: null,
          gpus: 0,
        };
      })
      .sort((a, b) => a.computeEnvironmentName.localeCompare(b.computeEnvironmentName)),
  };
}

/** Jobs in one queue and status, up to one page; `capped` when AWS had more to give. */
async function countStatus(clients: AwsClients, queue: string, jobStatus: JobStatus, pageSize: number) {
  const out = await callBatch(clients, (c) =>
    c.send(new ListJobsCommand({ jobQueue: queue, jobStatus, maxResults: pageSize })),
  );
  return { count: out.jobSummaryList?.length ?? 0, capped: out.nextToken !== undefined };
}

/**
 * Jobs per status in each queue: a ListJobs call per queue and status (top-level jobs: AWS
 * lists array children only under their parent), a few at a time.
 */
export async function jobQueueCounts(
  clients: AwsClients,
  pageSize = COUNT_PAGE_SIZE,
): Promise<{ jobQueues: JobQueueCounts[] }> {
  const queues = (await describeAllJobQueues(clients))
    .filter((q) => q.jobQueueName && q.jobQueueArn)
    .sort((a, b) => (a.jobQueueName ?? "").localeCompare(b.jobQueueName ?? ""));
  const pairs = queues.flatMap((q) => JOB_STATUSES.map((status) => ({ queue: q.jobQueueArn as string, status })));
  const results = await mapLimit(pairs, CONCURRENCY, (p) => countStatus(clients, p.queue, p.status, pageSize));
  return {
    jobQueues: queues.map((q, qi) => {
      const counts = {} as Record<JobStatus, number>;
      const capped: Partial<Record<JobStatus, true>> = {};
      JOB_STATUSES.forEach((status, si) => {
        const r = results[qi * JOB_STATUSES.length + si];
        counts[status] = r?.count ?? 0;
        if (r?.capped) capped[status] = true;
      });
      return {
        jobQueueName: q.jobQueueName as string,
        counts,
        ...(Object.keys(capped).length > 0 ? { capped } : {}),
      };
    }),
  };
}

/** How long one organization's counts are reused: every open queue page polls them. */
export const COUNTS_FRESH_MS = 5_000;
const countsCache = new WeakMap<AwsClients, { at: number; value: Promise<{ jobQueues: JobQueueCounts[] }> }>();

/**
 * jobQueueCounts shared by every reader of one organization (its clients) for up to `maxAgeMs`:
 * a queue page polled from ten tabs costs AWS one round of ListJobs calls per interval, not
 * ten. Calls in flight are shared too; a failed round is forgotten at once.
 */
export function sharedJobQueueCounts(
  clients: AwsClients,
  maxAgeMs = COUNTS_FRESH_MS,
): Promise<{ jobQueues: JobQueueCounts[] }> {
  const hit = countsCache.get(clients);
  if (hit && Date.now() - hit.at <= maxAgeMs) return hit.value;
  const value = jobQueueCounts(clients);
  countsCache.set(clients, { at: Date.now(), value });
  value.catch(() => {
    if (countsCache.get(clients)?.value === value) countsCache.delete(clients);
  });
  return value;
}

/**
 * The filter's ids, `limit` at a time, in the console list's order and with its cursor. The
 * AWS list may end a page early at its scan frontier, so pages are read on until `limit` ids
 * or the end (bounded by MAX_FILTER_PAGES; the cursor then continues from there).
 */
export async function resolveJobFilter(
  clients: AwsClients,
  input: ConsoleJobListInput,
): Promise<{ jobIds: string[]; nextCursor: string | null }> {
  const jobIds: string[] = [];
  let cursor = input.cursor;
  for (let pages = 0; pages < MAX_FILTER_PAGES; pages++) {
    const page = await listJobsForConsole(clients, {
      ...input,
      cursor,
      limit: input.limit - jobIds.length,
    });
    jobIds.push(...page.jobs.map((j) => j.jobId));
    if (!page.nextCursor) return { jobIds, nextCursor: null };
    cursor = page.nextCursor;
    if (jobIds.length >= input.limit) break;
  }
  return { jobIds, nextCursor: cursor ?? null };
}

/** How many jobs the filter matches, counted through the list up to AWS_COUNT_CAP. */
export async function countJobsForConsole(
  clients: AwsClients,
  input: Omit<ConsoleJobListInput, "cursor" | "limit">,
  cap: number,
): Promise<{ count: number; capped: boolean }> {
  const limit = Math.min(cap, AWS_COUNT_CAP);
  let count = 0;
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_FILTER_PAGES; pages++) {
    const page = await listJobsForConsole(clients, { ...input, cursor, limit: Math.min(1000, limit + 1 - count) });
    count += page.jobs.length;
    if (count > limit) return { count: limit, capped: true };
    if (!page.nextCursor) return { count, capped: false };
    cursor = page.nextCursor;
  }
  return { count, capped: true };
}

/**
 * The jobs submitted through Batchdeck that depend on this one, with their statuses from AWS. A
 * child `P:i` of an array is depended on by child `D:i` of every array D that depends on P with
 * N_TO_N; the graph names the dependent array D. Jobs AWS no longer knows (past its retention)
 * are left out.
 */
export async function listDependents(
  clients: AwsClients,
  ctx: OrgContext,
  input: ListDependentsInput,
): Promise<DependentsResult> {
  const limit = input.limit ?? 50;
  const [parentId] = input.jobId.split(":");
  const rows = await ctx.db.awsJobDependency.findMany({
    where: {
      organizationId: ctx.organizationId,
      OR: [
        { dependsOnJobId: input.jobId },
        ...(parentId && parentId !== input.jobId ? [{ dependsOnJobId: parentId, type: "N_TO_N" }] : []),
      ],
    },
    orderBy: [{ createdAt: "asc" }, { jobId: "asc" }],
    take: limit + 1,
    select: { jobId: true, jobName: true, type: true },
  });
  const page = rows.slice(0, limit);
  const { jobs } = page.length
    ? await describeJobs(
        clients,
        page.map((r) => r.jobId),
      )
    : { jobs: [] };
  const statusOf = new Map(jobs.map((j) => [j.jobId, j.status]));
  const dependents: DependentJob[] = [];
  for (const r of page) {
    const status = statusOf.get(r.jobId);
    if (!status || !isJobStatus(status)) continue;
    dependents.push({
      jobId: r.jobId,
      jobName: r.jobName,
      status,
      ...(r.type === "N_TO_N" || r.type === "SEQUENTIAL" ? { type: r.type } : {}),
    });
  }
  return { dependents, more: rows.length > limit, partial: DEPENDENTS_PARTIAL };
}

/** vCPUs, memory and GPUs the job asks for, from resourceRequirements or the legacy fields. */
function requestedOf(job: JobDetail) {
  const container = job.container as {
    vcpus?: number;
    memory?: number;
    resourceRequirements?: { type?: string; value?: string }[];
  };
  const req = new Map((container.resourceRequirements ?? []).map((r) => [r.type, Number(r.value)]));
  return {
    vcpus: req.get("VCPU") ?? container.vcpus ?? 0,
    memoryMiB: req.get("MEMORY") ?? container.memory ?? 0,
    gpus: req.get("GPU") ?? 0,
  };
}

/**
 * Why a SUBMITTED, PENDING or RUNNABLE job has not started, from what AWS tells: its own
 * statusReason, the dependencies that have not succeeded, the queue's state, its environments'
 * state, status and size, and its place at the front of the queue (GetJobQueueSnapshot).
 * Free capacity on an environment is not known on AWS, so RESOURCE_SHORT is never reported.
 */
export async function whyNotRunning(
  clients: AwsClients,
  ctx: OrgContext,
  input: { jobId: string },
): Promise<JobExplanation> {
  const { jobs } = await describeJobs(clients, [input.jobId]);
  const job = jobs[0];
  if (!job) throw notFound(`Job ${input.jobId}`);
  const parentId = job.jobId.includes(":") ? job.jobId.slice(0, job.jobId.indexOf(":")) : undefined;
  const requested = requestedOf(job);
  const waiting = (CANCELLABLE_STATUSES as readonly string[]).includes(job.status);
  const base = {
    jobId: job.jobId,
    status: job.status,
    waiting,
    requested,
    submittedByCaller: job.tags[SUBMITTED_BY_TAG] === ctx.user.id,
  };
  if (!waiting) return { ...base, reasons: [] };

  const reasons: JobWaitReason[] = [];
  if (job.statusReason) reasons.push({ kind: "STATUS_REASON", reason: job.statusReason });

  // Dependencies: the job's own and, for an array child, its parent's.
  let dependsOn = job.dependsOn.map((d) => d.jobId).filter((id): id is string => id !== undefined);
  if (parentId) {
    const parent = (await describeJobs(clients, [parentId])).jobs[0];
    dependsOn = [...dependsOn, ...(parent?.dependsOn ?? []).flatMap((d) => (d.jobId ? [d.jobId] : []))];
  }
  if (dependsOn.length > 0) {
    const upstream = (await describeJobs(clients, dependsOn.slice(0, 100))).jobs;
    const blockers = upstream
      .filter((u) => u.status !== JobStatus.SUCCEEDED)
      .map((u) => ({ jobId: u.jobId, jobName: u.jobName, status: u.status }));
    if (blockers.length > 0) reasons.push({ kind: "DEPENDENCY", jobs: blockers });
  }
  if (job.arrayProperties?.size !== undefined) {
    const summary: Partial<Record<JobStatus, number>> = {};
    for (const [status, n] of Object.entries(job.arrayProperties.statusSummary ?? {})) {
      if (isJobStatus(status)) summary[status] = n;
    }
    reasons.push({ kind: "ARRAY_CHILDREN", size: job.arrayProperties.size, summary });
    return { ...base, reasons };
  }

  const queue = (await callBatch(clients, (c) => c.send(new DescribeJobQueuesCommand({ jobQueues: [job.jobQueue] }))))
    .jobQueues?.[0];
  if (!queue) return { ...base, reasons };
  const queueName = queue.jobQueueName ?? job.jobQueue;
  if (queue.state === "DISABLED") reasons.push({ kind: "QUEUE_DISABLED", queue: queueName });
  const order = [...(queue.computeEnvironmentOrder ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const environments = order.length
    ? await describeAllComputeEnvironments(
        clients,
        order.flatMap((o) => (o.computeEnvironment ? [o.computeEnvironment] : [])),
      )
    : [];
  if (environments.length === 0) reasons.push({ kind: "NO_ENVIRONMENT", queue: queueName });
  let usable = 0;
  for (const e of environments) {
    const name = e.computeEnvironmentName ?? e.computeEnvironmentArn ?? "";
    const max = e.computeResources?.maxvCpus;
    let fits = true;
    if (e.state === "DISABLED") {
      reasons.push({ kind: "ENVIRONMENT_DISABLED", environment: name });
      fits = false;
    }
    if (e.status === "INVALID") {
      reasons.push({
        kind: "ENVIRONMENT_INVALID",
        environment: name,
        ...(e.statusReason ? { reason: e.statusReason } : {}),
      });
      fits = false;
    }
    // Only the vCPU ceiling of a managed environment is known; memory depends on instance types.
    if (max !== undefined && requested.vcpus > max) {
      reasons.push({
        kind: "NEVER_FITS",
        environment: name,
        resources: [{ resource: "VCPU", requested: requested.vcpus, max }],
      });
      fits = false;
    }
    if (fits) usable++;
  }
  const enabled = environments.some((e) => e.state !== "DISABLED");
  if (enabled && usable === 0) reasons.push({ kind: "UNSATISFIABLE", queue: queueName });

  if (job.status === JobStatus.RUNNABLE) {
    const queueArn = queue.jobQueueArn ?? job.jobQueue;
    const [snapshot, runnable] = await Promise.all([
      callBatch(clients, (c) => c.send(new GetJobQueueSnapshotCommand({ jobQueue: queueArn }))),
      countStatus(clients, queueArn, JobStatus.RUNNABLE, COUNT_PAGE_SIZE),
    ]);
    const front = snapshot.frontOfQueue?.jobs ?? [];
    const index = front.findIndex((j) => j.jobArn === job.jobArn);
    if (index >= 0) {
      // How many are runnable is one ListJobs page; past it, left unsaid.
      const total = runnable.capped ? null : runnable.count;
      reasons.push({ kind: "POSITION", position: index + 1, runnable: total, approximate: false });
      const blocked = reasons.some((r) => r.kind !== "POSITION" && r.kind !== "STATUS_REASON");
      if (index === 0 && !blocked) reasons.push({ kind: "NEXT" });
    } else if (front.length > 0) {
      reasons.push({ kind: "BEHIND_FRONT", queue: queueName, shown: front.length });
    }
  }
  return { ...base, reasons };
}
