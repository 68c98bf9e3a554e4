"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput } from "@/lib/backends/settings/schemas";
import { testBackendConnection } from "@/lib/backends/settings/test-backend-connection";

export const saveBackendSettingsAction = orgAction({
  name: "backend.save",
  permission: "backend.manage",
  input: backendSettingsInput,
  run: async (ctx, input) => {
    const saved = await saveBackendSettings(ctx, input);
    // Every page reads through the backend, so all of them may now show different data.
    revalidatePath("/", "layout");
    return saved;
  },
});

export const testBackendConnectionAction = orgAction({
  name: "backend.testConnection",
  permission: "backend.manage",
  input: backendSettingsInput,
  run: testBackendConnection,
});
