// /sso/callback: the browser comes back from the provider with `code` and `state` (or an error).
// In order: the state must be the one this browser's cookie holds (another browser's callback
// URL signs no one in here), its SsoLoginState row is consumed (single use, ten minutes), the
// code is exchanged with the PKCE verifier and the ID token checked by openid-client (issuer,
// audience, expiry, nonce), the claims read (the ID token's, else the userinfo endpoint's for
// email and name), and sign-in-with-claims.ts decides who is signed in and where.
import { timingSafeEqual } from "node:crypto";
import * as client from "openid-client";
import type { Db } from "@/lib/db";
import { logger } from "@/lib/log";
import { consumeLoginState } from "./login-state";
import { describeOidcError } from "./oidc";
import { SsoSignInError } from "./problems";
import { installProvider, organizationProvider, type SsoPolicy } from "./providers";
import { type SsoClaims, type SsoSignedIn, signInWithClaims } from "./sign-in-with-claims";
import { configurationFor } from "./start-sign-in";

export interface FinishSsoOptions {
  /** The callback request's URL: only its query is read. */
  callbackUrl: URL;
  /** The state value of the cookie /sso/start set in this browser. */
  browserState: string | undefined;
  sessionDays: number;
  hosted: boolean;
  /** The install-wide provider; BATCHDECK_OIDC_* when absent (tests pass their own). */
  install?: SsoPolicy | null;
  now?: number;
}

export interface FinishedSso extends SsoSignedIn {
  /** Where to go now: the same-site path the sign-in started with. */
  next: string;
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export async function finishSsoSignIn(db: Db, opts: FinishSsoOptions): Promise<FinishedSso> {
  const state = opts.callbackUrl.searchParams.get("state") ?? "";
  if (!state) throw new SsoSignInError("expired");
  if (!opts.browserState || !sameText(opts.browserState, state)) throw new SsoSignInError("otherBrowser");
  const login = await consumeLoginState(db, state, opts.now);

  const policy = login.organizationId
    ? await organizationProvider(db, { id: login.organizationId })
    : opts.install === undefined
      ? installProvider()
      : opts.install;
  if (!policy) throw new SsoSignInError("notConfigured");
  const config = await configurationFor(policy, opts.hosted);

  // openid-client sends the redirect URI it is given here (origin and path of this URL) with the
  // code: the one the authorization request named, whatever Host this request came in with.
  const currentUrl = new URL(login.redirectUri);
  currentUrl.search = opts.callbackUrl.search;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  let claims: SsoClaims;
  try {
    tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    claims = await readClaims(config, tokens);
  } catch (error) {
    const refused = error instanceof client.AuthorizationResponseError;
    logger().warn("single sign-on callback failed", {
      organizationId: policy.organization?.id ?? null,
      issuer: policy.issuer,
      reason: describeOidcError(error),
    });
    throw new SsoSignInError(refused ? "providerRefused" : "providerUnavailable", policy.organization);
  }
  const signedIn = await signInWithClaims(db, policy, claims, { sessionDays: opts.sessionDays });
  return { ...signedIn, next: login.next };
}

type Tokens = Awaited<ReturnType<typeof client.authorizationCodeGrant>>;

async function readClaims(config: client.Configuration, tokens: Tokens): Promise<SsoClaims> {
  const id = tokens.claims();
  if (!id) throw new Error("the provider sent no ID token");
  let source: Record<string, unknown> = id;
  // Providers may keep scope claims out of the ID token when they issue an access token.
  if (id.email === undefined && config.serverMetadata().userinfo_endpoint && tokens.access_token) {
    source = await client.fetchUserInfo(config, tokens.access_token, id.sub);
  }
  const email = typeof source.email === "string" ? source.email.trim().toLowerCase() : "";
  const name = typeof source.name === "string" ? source.name : null;
  return {
    issuer: id.iss,
    subject: id.sub,
    email: email || null,
    emailVerified: source.email_verified === true,
    name,
  };
}
