// GET /sso/start?org=<short name>&next=<path>: off to the provider (lib/sso/start-sign-in.ts).
// The state also goes into a cookie for the callback; problems go to /sso/error.
import { type NextRequest, NextResponse } from "next/server";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { ssoErrorResponse } from "@/lib/sso/error-redirect";
import { LOGIN_STATE_MS } from "@/lib/sso/login-state";
import { SsoSignInError } from "@/lib/sso/problems";
import { SSO_STATE_COOKIE, ssoRedirectUri } from "@/lib/sso/redirect-uri";
import { startSsoInput, startSsoSignIn } from "@/lib/sso/start-sign-in";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest): Promise<Response> {
  const parsed = startSsoInput.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  // Not an organization's short name (too long): no such organization, never the install's provider.
  if (!parsed.success) return ssoErrorResponse(new SsoSignInError("unknownOrganization"), "start");
  const input = parsed.data;
  try {
    const redirectUri = ssoRedirectUri(req.headers);
    const started = await startSsoSignIn(db(), input, { redirectUri, hosted: env().BATCHDECK_HOSTED });
    const res = new NextResponse(null, {
      status: 303,
      headers: { location: started.authorizationUrl.href, "cache-control": "no-store" },
    });
    res.cookies.set(SSO_STATE_COOKIE, started.state, {
      httpOnly: true,
      // Lax: sent when the provider sends the browser back (a top-level GET), not on cross-site posts.
      sameSite: "lax",
      secure: redirectUri.startsWith("https://"),
      path: "/sso",
      maxAge: LOGIN_STATE_MS / 1000,
    });
    return res;
  } catch (error) {
    return ssoErrorResponse(error, "start");
  }
}
