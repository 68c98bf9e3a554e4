// openid-client (v6) set up for one provider: the discovery document, read through ssoFetch and
// kept for a few minutes per issuer (a sign-in start needs it, and providers change it rarely),
// and a Configuration built afresh per use with the client's credentials. The client
// authenticates at the token endpoint with client_secret_basic (OpenID Connect's default) unless
// the provider lists only client_secret_post.
import * as client from "openid-client";
import { REFUSED_ADDRESS_ERROR } from "@/lib/net/address-policy";
import { insecureAllowed } from "./issuer-url";
import { SsoFetchError, ssoFetch } from "./sso-fetch";

const DISCOVERY_CACHE_MS = 5 * 60_000;
const DISCOVERY_CACHE_MAX = 500;
const TIMEOUT_SECONDS = 10;

const discovered = new Map<string, { metadata: client.ServerMetadata; at: number }>();

/** What Batchdeck needs to know of a provider to talk to it. */
export interface ProviderClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The provider's discovery document (issuer checked against `issuer` by openid-client).
 * `fresh` skips the cache: saving a provider always reads it anew.
 */
export async function discoverServer(
  issuer: string,
  opts: { hosted: boolean; fresh?: boolean; now?: number },
): Promise<client.ServerMetadata> {
  const now = opts.now ?? Date.now();
  const key = `${opts.hosted ? "hosted" : "local"} ${issuer}`;
  const hit = discovered.get(key);
  if (hit && !opts.fresh && now - hit.at < DISCOVERY_CACHE_MS) return hit.metadata;
  const url = new URL(issuer);
  const config = await client.discovery(url, "batchdeck", undefined, client.None(), {
    [client.customFetch]: ssoFetch({ hosted: opts.hosted }),
    execute: insecureAllowed(url, opts.hosted) ? [client.allowInsecureRequests] : [],
    timeout: TIMEOUT_SECONDS,
  });
  const metadata = config.serverMetadata();
  discovered.delete(key);
  discovered.set(key, { metadata, at: now });
  // Oldest first: a Map iterates in insertion order.
  for (const stale of discovered.keys()) {
    if (discovered.size <= DISCOVERY_CACHE_MAX) break;
    discovered.delete(stale);
  }
  return metadata;
}

/** A Configuration for one request: the cached metadata, this client's credentials. */
export async function clientConfiguration(
  provider: ProviderClient,
  opts: { hosted: boolean },
): Promise<client.Configuration> {
  const metadata = await discoverServer(provider.issuer, opts);
  const methods = metadata.token_endpoint_auth_methods_supported;
  const auth =
    methods && !methods.includes("client_secret_basic") && methods.includes("client_secret_post")
      ? client.ClientSecretPost(provider.clientSecret)
      : client.ClientSecretBasic(provider.clientSecret);
  const config = new client.Configuration(metadata, provider.clientId, undefined, auth);
  config[client.customFetch] = ssoFetch({ hosted: opts.hosted });
  config.timeout = TIMEOUT_SECONDS;
  if (insecureAllowed(new URL(provider.issuer), opts.hosted)) client.allowInsecureRequests(config);
  return config;
}

/**
 * A provider failure in words for an admin or a log line: what went wrong, never a token or a
 * secret (openid-client's messages name the check that failed; bodies stay out).
 */
export function describeOidcError(error: unknown): string {
  if (error instanceof SsoFetchError) return error.message;
  if (error instanceof client.AuthorizationResponseError) {
    return `the provider answered ${error.error}${error.error_description ? `: ${error.error_description.slice(0, 200)}` : ""}`;
  }
  if (error instanceof client.ResponseBodyError) {
    return `the provider answered ${error.error}${error.error_description ? `: ${error.error_description.slice(0, 200)}` : ""} (HTTP ${error.status})`;
  }
  if (error instanceof client.ClientError) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Response) return `${error.message} (HTTP ${cause.status})`;
    if (cause instanceof SsoFetchError) return cause.message;
    const nested = errorCode(cause);
    return nested ? `${error.message} (${nested})` : error.message;
  }
  const code = errorCode(error);
  if (code === "EREFUSEDADDRESS") return REFUSED_ADDRESS_ERROR;
  if (code) return `the connection failed (${code})`;
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): string | null {
  if (error instanceof SsoFetchError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[A-Z0-9_]+$/.test(code)) return code;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause && cause !== error ? errorCode(cause) : null;
}

/** For tests: forget every discovery document read so far. */
export function clearDiscoveryCache(): void {
  discovered.clear();
}
