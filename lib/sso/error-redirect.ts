// Where a failed /sso/start or /sso/callback sends the browser: /sso/error with the problem's
// name (problems.ts) and the organization it names. Anything that is not a sign-in problem is
// logged and shown as the provider being unavailable.
import "server-only";
import { NextResponse } from "next/server";
import { logger } from "@/lib/log";
import { SsoSignInError } from "./problems";

export function ssoErrorResponse(error: unknown, step: "start" | "callback"): Response {
  const problem = error instanceof SsoSignInError ? error : null;
  if (!problem) logger().error("single sign-on failed", { component: "web", step, error });
  const query = new URLSearchParams({ reason: problem?.problem ?? "providerUnavailable" });
  if (problem?.organizationSlug) query.set("org", problem.organizationSlug);
  return new NextResponse(null, {
    status: 303,
    headers: { location: `/sso/error?${query}`, "cache-control": "no-store" },
  });
}
