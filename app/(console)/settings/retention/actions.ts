"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { retentionInput, saveRetentionSettings } from "@/lib/retention/settings";

export const saveRetentionSettingsAction = orgAction({
  name: "retention.save",
  permission: "retention.manage",
  input: retentionInput,
  run: async (ctx, input) => {
    const saved = await saveRetentionSettings(ctx, input);
    revalidatePath("/settings/retention");
    return saved;
  },
});
