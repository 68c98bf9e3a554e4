// Reading the caller from the request's cookie. Server components, actions and route handlers
// all come through here; `cache` makes the lookup once per request.
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { OrgContext } from "./context";
import { readSession, SESSION_COOKIE, type SessionUser } from "./session";

export const currentSession = cache(async (): Promise<SessionUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return readSession(db(), token, env().BATCHDECK_SESSION_DAYS);
});

export const currentOrgContext = cache(async (): Promise<OrgContext> => {
  const session = await currentSession();
  if (!session) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
  const { membership } = session;
  if (!membership) throw new AppError("FORBIDDEN", "You are not a member of any organization.");
  return {
    db: db(),
    organizationId: membership.organizationId,
    role: membership.role,
    user: session.user,
    sessionId: session.sessionId,
    actor: { userId: session.user.id, email: session.user.email, source: "console" },
  };
});

/**
 * For server components: the caller's context, or a redirect to sign-in. Layouts and pages
 * render concurrently, so every page asks for itself rather than trusting its layout.
 */
export async function pageContext(): Promise<OrgContext> {
  try {
    return await currentOrgContext();
  } catch (error) {
    if (error instanceof AppError && (error.code === "UNAUTHENTICATED" || error.code === "FORBIDDEN")) {
      redirect("/login");
    }
    throw error;
  }
}
