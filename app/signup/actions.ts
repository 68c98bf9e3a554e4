"use server";

import { redirect } from "next/navigation";
import { setSessionCookie } from "@/lib/auth/cookies";
import { type ActionResult, parseInput } from "@/lib/auth/operation";
import { createSession } from "@/lib/auth/session";
import { signUp, signUpInput } from "@/lib/auth/sign-up";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export async function signUpAction(_prev: ActionResult<null> | null, form: FormData): Promise<ActionResult<null>> {
  try {
    if (!env().BATCHDECK_SIGNUP) throw new AppError("FORBIDDEN", "Sign-up is turned off on this server.");
    const input = parseInput(signUpInput, form);
    const { userId, organizationId } = await signUp(db(), input);
    const session = await createSession(db(), { userId, organizationId, days: env().BATCHDECK_SESSION_DAYS });
    await setSessionCookie(session.token, session.expiresAt);
  } catch (error) {
    if (error instanceof AppError) {
      return { ok: false, code: error.code, error: error.message, fieldErrors: error.fieldErrors };
    }
    throw error;
  }
  redirect("/");
}
