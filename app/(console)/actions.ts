"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { clearSessionCookie, readSessionCookie } from "@/lib/auth/cookies";
import { parseInput } from "@/lib/auth/operation";
import { currentSession } from "@/lib/auth/request";
import { deleteSession } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { switchOrganization } from "@/lib/organizations/switch-organization";

export async function signOutAction(): Promise<void> {
  const token = await readSessionCookie();
  if (token) await deleteSession(db(), token);
  await clearSessionCookie();
  redirect("/login");
}

const switchInput = z.object({ organizationId: z.string().min(1).max(100) });

/** Any signed-in user may switch to an organization they belong to; membership is checked. */
export async function switchOrganizationAction(form: FormData): Promise<void> {
  const session = await currentSession();
  if (!session) redirect("/login");
  const { organizationId } = parseInput(switchInput, form);
  const result = await switchOrganization(db(), {
    sessionId: session.sessionId,
    userId: session.user.id,
    organizationId,
  });
  // An organization that requires its own single sign-on is entered through its provider; a
  // session another organization's provider started says why it cannot switch.
  if (!result.switched) {
    redirect(
      "ssoRequiredBy" in result
        ? `/sso/start?org=${encodeURIComponent(result.ssoRequiredBy.slug)}`
        : "/sso/error?reason=otherOrganization",
    );
  }
  redirect("/");
}
