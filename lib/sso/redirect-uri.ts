// The redirect URI Batchdeck sends to providers (and admins register at them):
// <public URL>/sso/callback. The public URL is BATCHDECK_PUBLIC_URL when set (recommended behind
// a proxy); otherwise the request's own host and scheme (X-Forwarded-Host/-Proto when present).
// Whatever a request claims, the provider accepts only a redirect URI registered with it, and
// the callback uses the one its sign-in started with.
import { type Env, env } from "@/lib/env";

export const SSO_CALLBACK_PATH = "/sso/callback";
/** The cookie /sso/start sets and /sso/callback checks: this browser's sign-in `state`. */
export const SSO_STATE_COOKIE = "batchdeck_sso_state";

const first = (value: string | null) => value?.split(",")[0]?.trim() || null;

export function publicOrigin(headers: Headers, config: Pick<Env, "BATCHDECK_PUBLIC_URL"> = env()): string {
  if (config.BATCHDECK_PUBLIC_URL) return config.BATCHDECK_PUBLIC_URL;
  const host = first(headers.get("x-forwarded-host")) ?? headers.get("host") ?? "localhost";
  const proto = first(headers.get("x-forwarded-proto")) === "https" ? "https" : "http";
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return "http://localhost";
  }
}

export function ssoRedirectUri(headers: Headers, config?: Pick<Env, "BATCHDECK_PUBLIC_URL">): string {
  return `${publicOrigin(headers, config)}${SSO_CALLBACK_PATH}`;
}
