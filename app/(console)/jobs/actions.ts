"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { orgAction } from "@/lib/auth/action";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import { backendFor } from "@/lib/backends";
import { MAX_REASON_LENGTH, submitJobInput } from "@/lib/batch/shapes/jobs";
import { resubmitRequest } from "@/lib/batch/submit-form";
import { AppError } from "@/lib/errors";
import { jobFilterSchema, toListInput } from "@/lib/jobs/console-filter";

/** Ids per stopJobs call: one short transaction each, whatever the selection's size. */
const STOP_BATCH = 500;
/** Most jobs one "submit again" resubmits: each is a new submission with its own checks. */
const MAX_RESUBMIT = 100;

export const submitJobAction = orgAction({
  name: "jobs.submit",
  permission: "jobs.submit",
  input: submitJobInput,
  run: async (ctx, input) => {
    const result = await (await backendFor(ctx)).submitJob(ctx, input);
    revalidatePath("/jobs");
    return result;
  },
});

const stopKind = z.enum(["CANCEL", "TERMINATE"], { message: "Choose cancel or terminate." });
const reason = z
  .string()
  .trim()
  .min(1, "Give a reason: it is recorded on each job.")
  .max(MAX_REASON_LENGTH, `The reason must be at most ${MAX_REASON_LENGTH} characters long.`);

export interface StopOutcome {
  /** Jobs the request reached (including ones already finished, which it leaves alone). */
  stopped: number;
  /** Jobs refused, with the first refusal's message. */
  refused: number;
  message?: string;
}

async function stopInBatches(
  ctx: OrgContext,
  next: () => Promise<string[] | null>,
  kind: "CANCEL" | "TERMINATE",
  why: string,
): Promise<StopOutcome> {
  const backend = await backendFor(ctx);
  const outcome: StopOutcome = { stopped: 0, refused: 0 };
  for (let ids = await next(); ids !== null; ids = await next()) {
    if (ids.length === 0) continue;
    const result = await backend.stopJobs(ctx, ids, why, kind);
    outcome.stopped += result.successful.length;
    outcome.refused += result.errors.length;
    outcome.message ??= result.errors[0]?.message;
  }
  return outcome;
}

// Everyone may stop their own jobs; stopJobs itself widens that to any job for jobs.stopAny
// and reports the others as refused, one by one.
export const stopJobsAction = orgAction({
  name: "jobs.stop",
  permission: "jobs.stopOwn",
  input: z.object({
    jobIds: z.array(z.string().min(1).max(200)).min(1, "Select at least one job.").max(5_000),
    kind: stopKind,
    reason,
  }),
  run: async (ctx, input) => {
    const ids = [...new Set(input.jobIds)];
    let offset = 0;
    const outcome = await stopInBatches(
      ctx,
      async () => {
        if (offset >= ids.length) return null;
        const part = ids.slice(offset, offset + STOP_BATCH);
        offset += STOP_BATCH;
        return part;
      },
      input.kind,
      input.reason,
    );
    revalidatePath("/jobs");
    return outcome;
  },
});

/** When the confirmation was shown (epoch ms): within JavaScript's dates, up to the year 9999. */
const asOfSchema = z.number().int().positive().max(253_402_300_799_999, "asOf must be a date (epoch milliseconds).");

/**
 * Stops every job the filter matches, walking it page by page on the server (never loading
 * all ids at once). `createdBefore` pins the set to the jobs that existed when the caller
 * confirmed, so jobs submitted meanwhile are not swept up.
 */
export const stopJobsByFilterAction = orgAction({
  name: "jobs.stopByFilter",
  permission: "jobs.stopOwn",
  input: z.object({
    filter: jobFilterSchema,
    asOf: asOfSchema,
    kind: stopKind,
    reason,
  }),
  run: async (ctx, input) => {
    const backend = await backendFor(ctx);
    const base = toListInput(input.filter);
    const createdBefore = Math.min(base.createdBefore ?? Number.POSITIVE_INFINITY, input.asOf + 1);
    let cursor: string | undefined;
    let done = false;
    const outcome = await stopInBatches(
      ctx,
      async () => {
        if (done) return null;
        const page = await backend.resolveJobFilter(ctx, { ...base, createdBefore, cursor, limit: STOP_BATCH });
        cursor = page.nextCursor ?? undefined;
        done = cursor === undefined;
        return page.jobIds;
      },
      input.kind,
      input.reason,
    );
    revalidatePath("/jobs");
    return outcome;
  },
});

export interface ResubmitOutcome {
  submitted: { jobId: string; jobName: string }[];
  failed: { jobId: string; message: string }[];
}

/** "Submit again": each chosen job (or the first jobs matching a filter) as a new job. */
export const resubmitJobsAction = orgAction({
  name: "jobs.resubmit",
  permission: "jobs.submit",
  input: z
    .object({
      jobIds: z.array(z.string().min(1).max(200)).max(MAX_RESUBMIT).optional(),
      filter: jobFilterSchema.optional(),
      asOf: asOfSchema.optional(),
    })
    .refine((i) => (i.jobIds?.length ?? 0) > 0 || i.filter !== undefined, { message: "Select at least one job." }),
  run: async (ctx, input): Promise<ResubmitOutcome> => {
    const backend = await backendFor(ctx);
    let ids = input.jobIds ?? [];
    if (input.filter) {
      const base = toListInput(input.filter);
      const createdBefore = Math.min(base.createdBefore ?? Number.POSITIVE_INFINITY, (input.asOf ?? Date.now()) + 1);
      const page = await backend.resolveJobFilter(ctx, { ...base, createdBefore, limit: MAX_RESUBMIT + 1 });
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
        const request = parseInput(submitJobInput, resubmitRequest(job));
        const result = await backend.submitJob(ctx, request);
        outcome.submitted.push({ jobId: result.jobId, jobName: result.jobName });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        outcome.failed.push({ jobId: job.jobId, message: error.message });
      }
    }
    revalidatePath("/jobs");
    return outcome;
  },
});
