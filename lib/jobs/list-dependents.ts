// Downstream dependencies: the jobs that wait on this one, for the console's dependency graph
// (DescribeJobs gives only the upstream side). A job that depends on an array job with N_TO_N
// is recorded child by child (child i → child i), so its edge from child 0 stands for the pair.
import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import { isJobStatus, type JobStatus } from "@/lib/batch/states";

export const listDependentsInput = z.object({
  jobId: z.string({ message: "jobId is required." }).min(1, "jobId must not be empty.").max(200),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListDependentsInput = z.input<typeof listDependentsInput>;

export interface DependentJob {
  jobId: string;
  jobName: string;
  status: JobStatus;
  type?: "N_TO_N" | "SEQUENTIAL";
}

export interface DependentsResult {
  dependents: DependentJob[];
  more: boolean;
  /**
   * Set when the list may be incomplete (AWS Batch has no "who depends on this job" call, so
   * only jobs submitted through Batchdeck are known): the console shows it beside the list,
   * so that an empty one does not claim there are none.
   */
  partial?: string;
}

export async function listDependents(ctx: OrgContext, input: ListDependentsInput): Promise<DependentsResult> {
  const limit = input.limit ?? 50;
  const edges = await ctx.db.jobDependency.findMany({
    where: {
      job: { organizationId: ctx.organizationId },
      OR: [{ dependsOnJobId: input.jobId }, { dependsOnJobId: `${input.jobId}:0`, type: "N_TO_N" }],
    },
    select: {
      type: true,
      job: { select: { id: true, name: true, status: true, arrayParentId: true } },
    },
    orderBy: { jobId: "asc" },
    take: limit * 2 + 1,
  });
  const seen = new Set<string>();
  const dependents: DependentJob[] = [];
  for (const e of edges) {
    // An N_TO_N edge between children names the dependent array job, not its child.
    const dependentId = e.type === "N_TO_N" && e.job.arrayParentId ? e.job.arrayParentId : e.job.id;
    if (seen.has(dependentId)) continue;
    seen.add(dependentId);
    dependents.push({ jobId: dependentId, jobName: e.job.name, status: e.job.status as JobStatus, ...typeOf(e.type) });
  }
  // The parent's status, not its child 0's, is what the graph shows for an N_TO_N dependent.
  const parents = dependents.filter((d) => d.type === "N_TO_N").map((d) => d.jobId);
  if (parents.length) {
    const rows = await ctx.db.job.findMany({
      where: { organizationId: ctx.organizationId, id: { in: parents } },
      select: { id: true, status: true },
    });
    for (const r of rows) {
      const d = dependents.find((x) => x.jobId === r.id);
      if (d && isJobStatus(r.status)) d.status = r.status;
    }
  }
  return { dependents: dependents.slice(0, limit), more: dependents.length > limit };
}

const typeOf = (t: string | null): { type?: "N_TO_N" | "SEQUENTIAL" } =>
  t === "N_TO_N" || t === "SEQUENTIAL" ? { type: t } : {};
