"use server";

import { safeNextPath } from "@/lib/auth/next-path";
import { publicAction } from "@/lib/auth/public-action";
import { signIn, signInInput } from "@/lib/auth/sign-in";
import { env } from "@/lib/env";

export const signInAction = publicAction({
  name: "signIn",
  input: signInInput,
  run: (ctx, input) =>
    signIn(ctx.db, input, {
      sessionDays: ctx.sessionDays,
      address: ctx.clientAddress,
      failuresPerAddress: env().BATCHDECK_SIGNIN_FAILURES_PER_ADDRESS,
    }),
  next: (form) => safeNextPath(form.get("next")),
});
