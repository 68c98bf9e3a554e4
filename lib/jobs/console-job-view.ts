// Everything the job detail page shows, read through the organization's backend: the job
// (DescribeJobs), the jobs it depends on with their names and statuses, the jobs that depend on
// it, and, while it waits, why. The page renders it first; its route handler serves the same
// object to the live refresh.
import type { OrgContext } from "@/lib/auth/context";
import type { BatchBackend } from "@/lib/backends/types";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import type { JobStatus } from "@/lib/batch/states";
import { AppError } from "@/lib/errors";
import { type ArrayRun, arrayRunOf } from "./array-run";
import type { JobExplanation } from "./explain-job";
import type { DependentJob } from "./list-dependents";

export interface GraphJob {
  jobId: string;
  jobName: string;
  status: JobStatus | "UNKNOWN";
  type?: string;
}

export interface JobView {
  job: JobDetail;
  explanation: JobExplanation;
  upstream: GraphJob[];
  downstream: DependentJob[];
  moreDownstream: boolean;
  /** Set when the dependents listed may not be all of them (AWS Batch): the page says so. */
  downstreamPartial?: string;
  /** An array job's run, from its children (the built-in engine). */
  arrayRun?: ArrayRun;
}

export async function loadJobView(backend: BatchBackend, ctx: OrgContext, jobId: string): Promise<JobView | null> {
  const [described, explanation, dependents] = await Promise.all([
    backend.describeJobs(ctx, { jobs: [jobId] }),
    // An unknown job is "not found"; any other failure (AWS unreachable, refused) is shown as such.
    backend
      .whyNotRunning(ctx, { jobId })
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === "NOT_FOUND") return null;
        throw error;
      }),
    backend.listDependents(ctx, { jobId, limit: 50 }),
  ]);
  const job = described.jobs[0];
  if (!job || !explanation) return null;
  const upstreamIds = job.dependsOn.map((d) => d.jobId).filter((id): id is string => id !== undefined);
  const upstreamJobs = upstreamIds.length
    ? (await backend.describeJobs(ctx, { jobs: upstreamIds.slice(0, 100) })).jobs
    : [];
  const byId = new Map(upstreamJobs.map((j) => [j.jobId, j]));
  const upstream: GraphJob[] = job.dependsOn.map((d) => {
    // SEQUENTIAL without a job id: each child of this array waits on the one before it.
    if (!d.jobId) return { jobId: "", jobName: "previous child of this array", status: "UNKNOWN", type: d.type };
    const found = byId.get(d.jobId);
    return {
      jobId: d.jobId,
      jobName: found?.jobName ?? d.jobId,
      status: found?.status ?? "UNKNOWN",
      ...(d.type ? { type: d.type } : {}),
    };
  });
  const arrayRun =
    backend.kind === "builtin" && job.arrayProperties?.size !== undefined ? await arrayRunOf(ctx, job) : null;
  return {
    job,
    explanation,
    ...(arrayRun ? { arrayRun } : {}),
    upstream,
    downstream: dependents.dependents,
    moreDownstream: dependents.more,
    ...(dependents.partial ? { downstreamPartial: dependents.partial } : {}),
  };
}
