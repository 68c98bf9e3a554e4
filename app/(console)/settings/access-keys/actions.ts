"use server";

import { revalidatePath } from "next/cache";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { revokeAccessKey } from "@/lib/access-keys/revoke-access-key";
import { createAccessKeyInput, revokeAccessKeyInput } from "@/lib/access-keys/schemas";
import { orgAction } from "@/lib/auth/action";

const refresh = <T>(value: T): T => {
  revalidatePath("/settings/access-keys");
  return value;
};

export const createAccessKeyAction = orgAction({
  name: "accessKeys.create",
  permission: "accessKeys.manageOwn",
  input: createAccessKeyInput,
  run: async (ctx, input) => refresh(await createAccessKey(ctx, input)),
});

// Everyone may revoke their own keys; revokeAccessKey itself widens that to any key of the
// organization for callers holding accessKeys.revokeAny.
export const revokeAccessKeyAction = orgAction({
  name: "accessKeys.revoke",
  permission: "accessKeys.manageOwn",
  input: revokeAccessKeyInput,
  run: async (ctx, input) => refresh(await revokeAccessKey(ctx, input)),
});
