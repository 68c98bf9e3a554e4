// "Submit again": each chosen job, or the first jobs a filter matches, submitted anew with its
// own request (queue, definition, parameters, overrides), each a new submission with its own
// checks. One refused submission is reported and the others go on.
import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import type { BatchBackend } from "@/lib/backends/types";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import { resubmitRequest } from "@/lib/batch/submit-form";
import { AppError } from "@/lib/errors";
import { asOfSchema, filterAsOf } from "./bulk-selection";
import { jobFilterSchema } from "./console-filter";

/** Most jobs one "submit again" resubmits. */
export const MAX_RESUBMIT = 100;

export const resubmitJobsInput = z
  .object({
    jobIds: z.array(z.string().min(1).max(200)).max(MAX_RESUBMIT).optional(),
    filter: jobFilterSchema.optional(),
    asOf: asOfSchema.optional(),
  })
  .refine((i) => (i.jobIds?.length ?? 0) > 0 || i.filter !== undefined, { message: "Select at least one job." });

export interface ResubmitOutcome {
  submitted: { jobId: string; jobName: string }[];
  failed: { jobId: string; message: string }[];
}

export async function resubmitJobs(
  backend: Pick<BatchBackend, "resolveJobFilter" | "describeJobs" | "submitJob">,
  ctx: OrgContext,
  input: z.output<typeof resubmitJobsInput>,
): Promise<ResubmitOutcome> {
  let ids = input.jobIds ?? [];
  if (input.filter) {
    const list = filterAsOf(input.filter, input.asOf ?? Date.now(), ctx.user.id);
    const page = await backend.resolveJobFilter(ctx, { ...list, limit: MAX_RESUBMIT + 1 });
    if (page.jobIds.length > MAX_RESUBMIT) {
      throw new AppError(
        "LIMIT_EXCEEDED",
        `At most ${MAX_RESUBMIT} jobs can be submitted again at once; narrow the filter.`,
      );
    }
    ids = page.jobIds;
  }
  const { jobs } = await backend.describeJobs(ctx, { jobs: ids });
  const outcome: ResubmitOutcome = { submitted: [], failed: [] };
  for (const job of jobs) {
    try {
      const result = await backend.submitJob(ctx, parseInput(submitJobInput, resubmitRequest(job)));
      outcome.submitted.push({ jobId: result.jobId, jobName: result.jobName });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcome.failed.push({ jobId: job.jobId, message: error.message });
    }
  }
  return outcome;
}
