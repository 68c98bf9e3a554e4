"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { backendFor } from "@/lib/backends";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
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
  input: submitJobInput,
  run: async (ctx, input) => {
    const result = await (await backendFor(ctx)).submitJob(ctx, input);
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
