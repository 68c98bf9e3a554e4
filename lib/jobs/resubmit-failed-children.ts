// "Submit failed children again": after a partial failure of an array job, a new array job of
// only its failed children, each keeping its index (it sees the AWS_BATCH_JOB_ARRAY_INDEX it
// had), with the original's definition revision, queue, parameters, overrides, retry strategy
// and timeout. It goes through the backend's SubmitJob like any submission (quotas, audit);
// its tag FAILED_CHILDREN_OF names the original, which its page links back to.
//
// Built-in engine only: AWS Batch numbers an array's children 0…size-1, so it cannot run
// index 1 and 4 of a former array as such.
import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import type { BatchBackend } from "@/lib/backends/types";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import { isTerminal, JobStatus } from "@/lib/batch/states";
import { resubmitRequest } from "@/lib/batch/submit-form";
import { AppError, invalid } from "@/lib/errors";
import { FAILED_CHILDREN_OF } from "./failed-children-tag";
import type { SubmitJobResult } from "./submit-job";

export { FAILED_CHILDREN_OF };

export const resubmitFailedChildrenInput = z.object({ jobId: z.string().min(1).max(200) });

export interface FailedChildrenResubmitted extends SubmitJobResult {
  /** The indexes of the children submitted again, in order. */
  indexes: number[];
}

export async function resubmitFailedChildren(
  backend: Pick<BatchBackend, "kind" | "describeJobs" | "submitJob">,
  ctx: OrgContext,
  input: z.output<typeof resubmitFailedChildrenInput>,
): Promise<FailedChildrenResubmitted> {
  if (backend.kind !== "builtin") {
    throw invalid(
      "Submitting only the failed children of an array again needs the built-in engine: AWS Batch numbers an array's children from 0, so they could not keep their indexes.",
    );
  }
  const [job] = (await backend.describeJobs(ctx, { jobs: [input.jobId] })).jobs;
  if (!job) throw new AppError("NOT_FOUND", `Job ${input.jobId} does not exist.`);
  if (job.arrayProperties?.size === undefined) throw invalid(`Job ${job.jobId} is not an array job.`);
  if (!isTerminal(job.status)) {
    throw invalid(`Array job ${job.jobId} has not finished: its failed children can be submitted again once it has.`);
  }
  const failed = await ctx.db.job.findMany({
    where: { organizationId: ctx.organizationId, arrayParentId: job.jobId, status: JobStatus.FAILED },
    select: { arrayIndex: true },
    orderBy: { arrayIndex: "asc" },
  });
  const indexes = failed.map((c) => c.arrayIndex).filter((i): i is number => i !== null);
  if (indexes.length === 0) throw invalid(`Array job ${job.jobId} has no failed children.`);

  const request = resubmitRequest(job);
  // The other jobs it waited on have finished; a SEQUENTIAL chain within the array is kept.
  if (job.dependsOn.some((d) => d.jobId === undefined && d.type === "SEQUENTIAL")) {
    request.dependsOn = [{ type: "SEQUENTIAL" }];
  }
  request.tags = { ...job.tags, [FAILED_CHILDREN_OF]: job.jobId };
  delete request.arrayProperties;
  const parsed = parseInput(submitJobInput, request);
  // One failed child is an array of one: it still runs with its own index.
  parsed.arrayProperties = { size: indexes.length };
  const result = await backend.submitJob(ctx, parsed, {
    arrayIndexes: indexes,
    auditDetails: { failedChildrenOf: job.jobId },
  });
  return { ...result, indexes };
}
