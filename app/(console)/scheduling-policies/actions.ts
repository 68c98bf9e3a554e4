"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { backendFor } from "@/lib/backends";
import { createSchedulingPolicyInput } from "@/lib/resources/scheduling-policies/create-scheduling-policy";
import { deleteSchedulingPolicyInput } from "@/lib/resources/scheduling-policies/delete-scheduling-policy";
import { updateSchedulingPolicyInput } from "@/lib/resources/scheduling-policies/update-scheduling-policy";

const refresh = <T>(value: T): T => {
  revalidatePath("/scheduling-policies", "layout");
  revalidatePath("/job-queues", "layout");
  return value;
};

export const createSchedulingPolicyAction = orgAction({
  name: "schedulingPolicies.create",
  permission: "schedulingPolicies.manage",
  input: createSchedulingPolicyInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).createSchedulingPolicy(ctx, input)),
});

export const updateSchedulingPolicyAction = orgAction({
  name: "schedulingPolicies.update",
  permission: "schedulingPolicies.manage",
  input: updateSchedulingPolicyInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).updateSchedulingPolicy(ctx, input)),
});

export const deleteSchedulingPolicyAction = orgAction({
  name: "schedulingPolicies.delete",
  permission: "schedulingPolicies.manage",
  input: deleteSchedulingPolicyInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).deleteSchedulingPolicy(ctx, input)),
});
