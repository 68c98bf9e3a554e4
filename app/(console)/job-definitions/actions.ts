"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { parseInput } from "@/lib/auth/operation";
import { backendFor } from "@/lib/backends";
import { inputForBackend } from "@/lib/backends/input-for-backend";
import { registerJobDefinitionAwsInput } from "@/lib/batch/shapes/job-definitions";
import { deregisterJobDefinitionInput } from "@/lib/resources/job-definitions/deregister-job-definition";
import { registerJobDefinitionInput } from "@/lib/resources/job-definitions/register-job-definition";

const refresh = <T>(value: T): T => {
  revalidatePath("/job-definitions", "layout");
  return value;
};

export const registerJobDefinitionAction = orgAction({
  name: "jobDefinitions.register",
  permission: "jobDefinitions.manage",
  // The JSON tab may hold what only AWS runs (EKS, multi-node): a built-in organization's is refused.
  input: registerJobDefinitionAwsInput,
  run: async (ctx, input) => {
    const backend = await backendFor(ctx);
    const accepted = inputForBackend(backend, registerJobDefinitionInput, input, parseInput);
    return refresh(await backend.registerJobDefinition(ctx, accepted));
  },
});

export const deregisterJobDefinitionAction = orgAction({
  name: "jobDefinitions.deregister",
  permission: "jobDefinitions.manage",
  input: deregisterJobDefinitionInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).deregisterJobDefinition(ctx, input)),
});
