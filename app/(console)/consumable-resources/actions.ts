"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { backendFor } from "@/lib/backends";
import { createConsumableResourceInput } from "@/lib/resources/consumable-resources/create-consumable-resource";
import { deleteConsumableResourceInput } from "@/lib/resources/consumable-resources/delete-consumable-resource";
import { updateConsumableResourceInput } from "@/lib/resources/consumable-resources/update-consumable-resource";

const refresh = <T>(value: T): T => {
  revalidatePath("/consumable-resources", "layout");
  return value;
};

export const createConsumableResourceAction = orgAction({
  name: "consumableResources.create",
  permission: "consumableResources.manage",
  input: createConsumableResourceInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).createConsumableResource(ctx, input)),
});

export const updateConsumableResourceAction = orgAction({
  name: "consumableResources.update",
  permission: "consumableResources.manage",
  input: updateConsumableResourceInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).updateConsumableResource(ctx, input)),
});

export const deleteConsumableResourceAction = orgAction({
  name: "consumableResources.delete",
  permission: "consumableResources.manage",
  input: deleteConsumableResourceInput,
  run: async (ctx, input) => refresh(await (await backendFor(ctx)).deleteConsumableResource(ctx, input)),
});
