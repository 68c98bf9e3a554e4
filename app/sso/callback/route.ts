// GET /sso/callback: back from the provider (lib/sso/finish-sign-in.ts). Signed in: the session
// cookie is set as password sign-in sets it, and the browser goes where the sign-in started.
import { cookies } from "next/headers";
import { type NextRequest, NextResponse } from "next/server";
import { setSessionCookie } from "@/lib/auth/cookies";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { ssoErrorResponse } from "@/lib/sso/error-redirect";
import { finishSsoSignIn } from "@/lib/sso/finish-sign-in";
import { SSO_STATE_COOKIE } from "@/lib/sso/redirect-uri";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest): Promise<Response> {
  const jar = await cookies();
  const browserState = jar.get(SSO_STATE_COOKIE)?.value;
  // One sign-in per cookie, whatever happens next.
  jar.delete({ name: SSO_STATE_COOKIE, path: "/sso" });
  try {
    const config = env();
    const signedIn = await finishSsoSignIn(db(), {
      callbackUrl: req.nextUrl,
      browserState,
      sessionDays: config.BATCHDECK_SESSION_DAYS,
      hosted: config.BATCHDECK_HOSTED,
    });
    await setSessionCookie(signedIn.token, signedIn.expiresAt);
    return new NextResponse(null, { status: 303, headers: { location: signedIn.next, "cache-control": "no-store" } });
  } catch (error) {
    return ssoErrorResponse(error, "callback");
  }
}
