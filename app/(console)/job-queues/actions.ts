"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { backendFor } from "@/lib/backends";
import { createJobQueueInput } from "@/lib/resources/job-queues/create-job-queue";
import { deleteJobQueueInput } from "@/lib/resources/job-queues/delete-job-queue";
import { updateJobQueueInput } from "@/lib/resources/job-queues/update-job-queue";

const refresh = <T>(value: T): T => {
  revalidatePath("/job-queues", "layout");
  revalidatePath("/compute-environments");
  return value;
};

export const createJobQueueAction = orgAction({
  name: "jobQueues.create",
  permission: "jobQueues.manage",
  input: createJobQueueInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).createJobQueue(ctx, input)),
});

export const updateJobQueueAction = orgAction({
  name: "jobQueues.update",
  permission: "jobQueues.manage",
  input: updateJobQueueInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).updateJobQueue(ctx, input)),
});

export const deleteJobQueueAction = orgAction({
  name: "jobQueues.delete",
  permission: "jobQueues.manage",
  input: deleteJobQueueInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).deleteJobQueue(ctx, input)),
});
