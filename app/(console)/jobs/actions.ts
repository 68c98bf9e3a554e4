"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { parseInput } from "@/lib/auth/operation";
import { backendFor } from "@/lib/backends";
import { inputForBackend } from "@/lib/backends/input-for-backend";
import { submitJobAwsInput, submitJobInput } from "@/lib/batch/shapes/jobs";
import { resubmitJobs, resubmitJobsInput } from "@/lib/jobs/resubmit-jobs";
import {
  stopJobsByFilter,
  stopJobsByFilterInput,
  stopSelectedJobs,
  stopSelectedJobsInput,
} from "@/lib/jobs/stop-jobs-in-batches";

export const submitJobAction = orgAction({
  name: "jobs.submit",
  permission: "jobs.submit",
  // The JSON tab may hold what only AWS runs (nodeOverrides, …): a built-in organization's is refused.
  input: submitJobAwsInput,
  run: async (ctx, input) => {
    const backend = await backendFor(ctx);
    const result = await backend.submitJob(ctx, inputForBackend(backend, submitJobInput, input, parseInput));
    revalidatePath("/jobs");
    return result;
  },
});

// Everyone may stop their own jobs; stopJobs itself widens that to any job for jobs.stopAny
// and reports the others as refused, one by one.
export const stopJobsAction = orgAction({
  name: "jobs.stop",
  permission: "jobs.stopOwn",
  input: stopSelectedJobsInput,
  run: async (ctx, input) => {
    const outcome = await stopSelectedJobs(await backendFor(ctx), ctx, input);
    revalidatePath("/jobs");
    return outcome;
  },
});

export const stopJobsByFilterAction = orgAction({
  name: "jobs.stopByFilter",
  permission: "jobs.stopOwn",
  input: stopJobsByFilterInput,
  run: async (ctx, input) => {
    const outcome = await stopJobsByFilter(await backendFor(ctx), ctx, input);
    revalidatePath("/jobs");
    return outcome;
  },
});

export const resubmitJobsAction = orgAction({
  name: "jobs.resubmit",
  permission: "jobs.submit",
  input: resubmitJobsInput,
  run: async (ctx, input) => {
    const outcome = await resubmitJobs(await backendFor(ctx), ctx, input);
    revalidatePath("/jobs");
    return outcome;
  },
});
