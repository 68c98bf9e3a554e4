"use server";

import { revalidatePath } from "next/cache";
import { operatorAction } from "@/lib/auth/operator-action";
import { saveOrganizationQuotas } from "@/lib/operator/organizations";

export const saveOrganizationQuotasAction = operatorAction({
  ...saveOrganizationQuotas,
  run: async (ctx, input) => {
    const saved = await saveOrganizationQuotas.run(ctx, input);
    revalidatePath("/operator");
    return saved;
  },
});
