// /sso/start: the authorization request (code flow with PKCE S256, a state and a nonce), its
// secrets kept in an SsoLoginState row for the callback. The state value goes back to the route,
// which also puts it in a cookie, so that only the browser that started a sign-in can finish it.
import * as client from "openid-client";
import { z } from "zod";
import { safeNextPath } from "@/lib/auth/next-path";
import type { DbOrTx } from "@/lib/db";
import { logger } from "@/lib/log";
import { createLoginState } from "./login-state";
import { clientConfiguration, describeOidcError } from "./oidc";
import { SsoSignInError } from "./problems";
import { installProvider, organizationProvider, type SsoPolicy } from "./providers";

export const SSO_SCOPE = "openid email profile";

/** The query of /sso/start: `org` (an organization's short name; absent: the install's provider). */
export const startSsoInput = z.object({
  org: z
    .string()
    .trim()
    .toLowerCase()
    .max(100)
    .optional()
    .transform((v) => (v ? v : undefined)),
  next: z
    .string()
    .optional()
    .transform((v) => safeNextPath(v)),
});
export type StartSsoInput = z.output<typeof startSsoInput>;

export interface StartSsoOptions {
  /** `<public URL>/sso/callback`, as registered at the provider. */
  redirectUri: string;
  hosted: boolean;
  /** The install-wide provider; BATCHDECK_OIDC_* when absent (tests pass their own). */
  install?: SsoPolicy | null;
  now?: number;
}

export interface StartedSso {
  authorizationUrl: URL;
  state: string;
  expiresAt: Date;
}

export async function startSsoSignIn(db: DbOrTx, input: StartSsoInput, opts: StartSsoOptions): Promise<StartedSso> {
  const policy = input.org
    ? await organizationProvider(db, { slug: input.org })
    : opts.install === undefined
      ? installProvider()
      : opts.install;
  if (!policy) throw new SsoSignInError(input.org ? "unknownOrganization" : "notConfigured");
  const config = await configurationFor(policy, opts.hosted);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const { expiresAt } = await createLoginState(
    db,
    state,
    {
      codeVerifier,
      nonce,
      organizationId: policy.organization?.id ?? null,
      redirectUri: opts.redirectUri,
      next: input.next,
    },
    opts.now,
  );
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: opts.redirectUri,
    scope: SSO_SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { authorizationUrl, state, expiresAt };
}

/** The provider's Configuration; a provider that cannot be reached is told in plain words and logged. */
export async function configurationFor(policy: SsoPolicy, hosted: boolean): Promise<client.Configuration> {
  try {
    return await clientConfiguration(policy, { hosted });
  } catch (error) {
    logger().warn("single sign-on provider unavailable", {
      organizationId: policy.organization?.id ?? null,
      issuer: policy.issuer,
      reason: describeOidcError(error),
    });
    throw new SsoSignInError("providerUnavailable", policy.organization);
  }
}
