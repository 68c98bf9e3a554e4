"use server";

import { redirect } from "next/navigation";
import { clientAddress } from "@/lib/auth/client-address";
import { setSessionCookie } from "@/lib/auth/cookies";
import { safeNextPath } from "@/lib/auth/next-path";
import { type ActionResult, parseInput } from "@/lib/auth/operation";
import { signIn, signInInput } from "@/lib/auth/sign-in";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export async function signInAction(_prev: ActionResult<null> | null, form: FormData): Promise<ActionResult<null>> {
  try {
    const input = parseInput(signInInput, form);
    const session = await signIn(db(), input, {
      sessionDays: env().BATCHDECK_SESSION_DAYS,
      address: await clientAddress(),
      failuresPerAddress: env().BATCHDECK_SIGNIN_FAILURES_PER_ADDRESS,
    });
    await setSessionCookie(session.token, session.expiresAt);
  } catch (error) {
    if (error instanceof AppError) {
      return { ok: false, code: error.code, error: error.message, fieldErrors: error.fieldErrors };
    }
    throw error;
  }
  redirect(safeNextPath(form.get("next")));
}
