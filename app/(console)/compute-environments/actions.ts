"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { orgAction } from "@/lib/auth/action";
import { backendFor } from "@/lib/backends";
import { builtinTagProblems } from "@/lib/batch/shapes/compute-environments";
import { tagsSchema } from "@/lib/batch/shapes/tags";
import { createComputeEnvironmentInput } from "@/lib/resources/compute-environments/create-compute-environment";
import { deleteComputeEnvironmentInput } from "@/lib/resources/compute-environments/delete-compute-environment";
import { updateComputeEnvironmentInput } from "@/lib/resources/compute-environments/update-compute-environment";

const refresh = <T>(value: T): T => {
  revalidatePath("/compute-environments");
  revalidatePath("/job-queues");
  return value;
};

export const createComputeEnvironmentAction = orgAction({
  name: "computeEnvironments.create",
  permission: "computeEnvironments.manage",
  input: createComputeEnvironmentInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).createComputeEnvironment(ctx, input)),
});

// UpdateComputeEnvironment cannot change tags, and this project keeps a CE's memory, GPU ids
// and executor policy in tags, so the console's edit also carries the full tag map it wants: the difference
// is applied with TagResource / UntagResource, as an AWS CLI user would.
const editTags = tagsSchema.superRefine((tags, ctx) => {
  for (const problem of builtinTagProblems(tags)) ctx.addIssue({ code: "custom", message: problem });
});

export const updateComputeEnvironmentAction = orgAction({
  name: "computeEnvironments.update",
  permission: "computeEnvironments.manage",
  input: updateComputeEnvironmentInput.and(z.object({ tags: editTags.optional() })),
  run: async (ctx, { tags, ...input }) => {
    const backend = await backendFor(ctx);
    const updated = await backend.updateComputeEnvironment(ctx, input);
    if (tags) {
      const arn = updated.computeEnvironmentArn;
      const current = (await backend.listTagsForResource(ctx, { resourceArn: arn })).tags;
      const removed = Object.keys(current).filter((k) => !(k in tags));
      const changed = Object.fromEntries(Object.entries(tags).filter(([k, v]) => current[k] !== v));
      if (removed.length) await backend.untagResource(ctx, { resourceArn: arn, tagKeys: removed });
      if (Object.keys(changed).length) await backend.tagResource(ctx, { resourceArn: arn, tags: changed });
    }
    return refresh(updated);
  },
});

export const deleteComputeEnvironmentAction = orgAction({
  name: "computeEnvironments.delete",
  permission: "computeEnvironments.manage",
  input: deleteComputeEnvironmentInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).deleteComputeEnvironment(ctx, input)),
});
