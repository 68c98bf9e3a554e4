// The SDK's job shapes are AWS's, with every field optional; the console's types (built-in
// shapes in lib/batch/shapes/jobs.ts) promise a few always-present fields (attempts, tags,
// dependsOn…). These fill AWS's omissions with AWS's own defaults so one page renders either.
import type { JobDetail as SdkJobDetail, JobSummary as SdkJobSummary } from "@aws-sdk/client-batch";
import type { JobDetail, JobSummary } from "@/lib/batch/shapes/jobs";
import { isJobStatus, JobStatus } from "@/lib/batch/states";

const statusOf = (s: string | undefined): JobStatus => (isJobStatus(s) ? s : JobStatus.SUBMITTED);

/** Job ids of array children carry their index (`parent:3`); AWS lists them under the parent. */
export const isChildJobId = (jobId: string) => jobId.includes(":");

export function toJobSummary(s: SdkJobSummary): JobSummary {
  return {
    jobArn: s.jobArn ?? "",
    jobId: s.jobId ?? "",
    jobName: s.jobName ?? "",
    jobDefinition: s.jobDefinition ?? "",
    status: statusOf(s.status),
    ...(s.statusReason !== undefined ? { statusReason: s.statusReason } : {}),
    ...(s.shareIdentifier !== undefined ? { shareIdentifier: s.shareIdentifier } : {}),
    createdAt: s.createdAt ?? 0,
    ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
    ...(s.stoppedAt !== undefined ? { stoppedAt: s.stoppedAt } : {}),
    ...(s.container ? { container: { exitCode: s.container.exitCode, reason: s.container.reason } } : {}),
    ...(s.arrayProperties ? { arrayProperties: { size: s.arrayProperties.size, index: s.arrayProperties.index } } : {}),
  };
}

export function toJobDetail(d: SdkJobDetail): JobDetail {
  return {
    ...(d as unknown as Partial<JobDetail>),
    jobArn: d.jobArn ?? "",
    jobName: d.jobName ?? "",
    jobId: d.jobId ?? "",
    jobQueue: d.jobQueue ?? "",
    status: statusOf(d.status),
    schedulingPriority: d.schedulingPriority ?? 0,
    attempts: (d.attempts ?? []).map((a) => ({
      container: {
        exitCode: a.container?.exitCode,
        reason: a.container?.reason,
        logStreamName: a.container?.logStreamName,
      },
      startedAt: a.startedAt,
      stoppedAt: a.stoppedAt,
      statusReason: a.statusReason,
    })),
    createdAt: d.createdAt ?? 0,
    dependsOn: (d.dependsOn ?? []).map((x) => ({
      ...(x.jobId !== undefined ? { jobId: x.jobId } : {}),
      ...(x.type === "N_TO_N" || x.type === "SEQUENTIAL" ? { type: x.type } : {}),
    })),
    jobDefinition: d.jobDefinition ?? "",
    parameters: d.parameters ?? {},
    container: (d.container ?? {}) as Record<string, unknown>,
    tags: d.tags ?? {},
    propagateTags: d.propagateTags ?? false,
    platformCapabilities: d.platformCapabilities ?? [],
    isCancelled: d.isCancelled ?? false,
    isTerminated: d.isTerminated ?? false,
  } as JobDetail;
}
