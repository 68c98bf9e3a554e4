"use server";

import { revalidatePath } from "next/cache";
import { orgAction } from "@/lib/auth/action";
import { backendFor } from "@/lib/backends";
import { resubmitFailedChildren, resubmitFailedChildrenInput } from "@/lib/jobs/resubmit-failed-children";

// An array's failed children as a new array, each keeping its index: a submission like any
// other (jobs.submit, the caller's organization, its quotas, its audit event).
export const resubmitFailedChildrenAction = orgAction({
  name: "jobs.resubmitFailedChildren",
  permission: "jobs.submit",
  input: resubmitFailedChildrenInput,
  run: async (ctx, input) => {
    const result = await resubmitFailedChildren(await backendFor(ctx), ctx, input);
    revalidatePath("/jobs");
    return result;
  },
});
