"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { env } from "@/lib/env";
import { deleteSsoProvider } from "@/lib/sso/delete-sso-provider";
import { saveSsoProvider } from "@/lib/sso/save-sso-provider";
import { deleteSsoProviderInput, saveSsoProviderInput } from "@/lib/sso/schemas";

export const saveSsoProviderAction = orgAction({
  name: "sso.save",
  permission: "sso.manage",
  input: saveSsoProviderInput,
  run: async (ctx, input) => {
    const saved = await saveSsoProvider(ctx, input, { hosted: env().BATCHDECK_HOSTED });
    revalidatePath("/settings/sso");
    return saved;
  },
});

export const deleteSsoProviderAction = orgAction({
  name: "sso.delete",
  permission: "sso.manage",
  input: deleteSsoProviderInput,
  run: async (ctx) => {
    const deleted = await deleteSsoProvider(ctx);
    revalidatePath("/settings/sso");
    return deleted;
  },
});
