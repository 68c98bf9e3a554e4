"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { backendFor } from "@/lib/backends";
import { deregisterJobDefinitionInput } from "@/lib/resources/job-definitions/deregister-job-definition";
import { registerJobDefinitionInput } from "@/lib/resources/job-definitions/register-job-definition";

const refresh = <T>(value: T): T => {
  revalidatePath("/job-definitions", "layout");
  return value;
};

export const registerJobDefinitionAction = orgAction({
  name: "jobDefinitions.register",
  permission: "jobDefinitions.manage",
  input: registerJobDefinitionInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).registerJobDefinition(ctx, input)),
});

export const deregisterJobDefinitionAction = orgAction({
  name: "jobDefinitions.deregister",
  permission: "jobDefinitions.manage",
  input: deregisterJobDefinitionInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).deregisterJobDefinition(ctx, input)),
});
