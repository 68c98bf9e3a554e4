"use server";

import { publicAction } from "@/lib/auth/public-action";
import { signUp, signUpInput } from "@/lib/auth/sign-up";
import { env } from "@/lib/env";

export const signUpAction = publicAction({
  name: "signUp",
  input: signUpInput,
  refuse: () => (env().BATCHDECK_SIGNUP ? null : "Sign-up is turned off on this server."),
  run: async (ctx, input) => ctx.startSession(await signUp(ctx.db, input)),
});
