"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { deleteOrgSecret } from "@/lib/org-secrets/delete-org-secret";
import { putOrgSecret } from "@/lib/org-secrets/put-org-secret";
import { deleteOrgSecretInput, putOrgSecretInput } from "@/lib/org-secrets/schemas";

const refresh = <T>(value: T): T => {
  revalidatePath("/settings/secrets");
  return value;
};

// Add (mode "create") and "Replace value" (mode "replace") both come here; the answer carries
// the name and dates, never the value.
export const putOrgSecretAction = orgAction({
  name: "secrets.put",
  permission: "secrets.manage",
  input: putOrgSecretInput,
  run: async (ctx, input) => refresh(await putOrgSecret(ctx, input)),
});

export const deleteOrgSecretAction = orgAction({
  name: "secrets.delete",
  permission: "secrets.manage",
  input: deleteOrgSecretInput,
  run: async (ctx, input) => refresh(await deleteOrgSecret(ctx, input)),
});
