// What went wrong talking to AWS, in plain words, for people and for AppError. By the time an
// error reaches here the SDK has already retried what is safe to retry (throttling, transient
// network failures, 5xx); what is left is told apart by kind:
//
//   client       ClientException: AWS's own message, kept (NOT_FOUND or INVALID_INPUT)
//   permission   AccessDenied(Exception): the credentials work but may not do this
//   credentials  keys unknown, signature refused, token expired, no credentials found
//   region       a region the SDK or AWS does not accept
//   dns          the service's host name does not resolve
//   network      refused, reset, timed out, TLS failed; or, on a hosted install, an endpoint
//                override that resolves to an address of this network (address-policy.ts)
//   throttled    still throttled after every retry
//   server       ServerException or another 5xx
//
// Messages never carry a secret: the SDK does not put one in its errors, and every message is
// scrubbed of the configured secret all the same. On a hosted install a failed connection to an
// endpoint override is told without the address, port or error code: otherwise the messages
// would map this network's hosts and ports for whoever sets the override.

import { AppError } from "@/lib/errors";
import { REFUSED_ADDRESS_CODE, REFUSED_ADDRESS_ERROR } from "@/lib/net/address-policy";
import { scrub } from "@/lib/scrub";
import { MAX_ATTEMPTS } from "./clients";

export type AwsFailureKind =
  | "client"
  | "not-found"
  | "permission"
  | "credentials"
  | "region"
  | "dns"
  | "network"
  | "throttled"
  | "server";

export interface AwsFailure {
  kind: AwsFailureKind;
  message: string;
}

export interface AwsCallSite {
  /** "AWS Batch" or "CloudWatch Logs". */
  service: string;
  region: string;
  /** The endpoint override, when one is configured. */
  endpoint?: string;
  /** Values that must never appear in a message (the secret access key). */
  secrets?: (string | undefined)[];
  /** A hosted install: connection failures on an endpoint override are told without detail. */
  hosted?: boolean;
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  hostname?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const CREDENTIAL_ERRORS = new Set([
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "IncompleteSignatureException",
  "MissingAuthenticationTokenException",
  "ExpiredTokenException",
  "ExpiredToken",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "AuthFailure",
  "CredentialsProviderError",
  "TokenProviderError",
]);
const PERMISSION_ERRORS = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]);
const THROTTLING_ERRORS = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
]);
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME"]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
  "EPROTO",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  REFUSED_ADDRESS_CODE,
]);
/** Node's and OpenSSL's TLS failures (ERR_TLS_CERT_ALTNAME_INVALID, SELF_SIGNED_CERT_IN_CHAIN…). */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_)|CERT|^UNABLE_TO_|^HOSTNAME_MISMATCH$/;
const NOT_FOUND = /does not exist|not found|cannot be found|can't be found|could not be found|no such/i;

/** Network errors may arrive wrapped (AggregateError for dual-stack connects, `cause`). */
function networkCode(error: SdkErrorLike): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as SdkErrorLike & { errors?: unknown[] };
    if (typeof e.code === "string" && (DNS_CODES.has(e.code) || NETWORK_CODES.has(e.code) || TLS_CODE.test(e.code))) {
      return e.code;
    }
    current = e.errors?.[0] ?? e.cause;
  }
  return undefined;
}

export function classifyAwsError(error: unknown, site: AwsCallSite): AwsFailure {
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as SdkErrorLike;
  const name = e.name ?? "Error";
  const detail = scrub((e.message ?? "").trim() || name, site.secrets);
  const where = `${site.service} in ${site.region}`;
  const target = site.endpoint ? ` at ${site.endpoint}` : "";
  const status = e.$metadata?.httpStatusCode;
  // Where the server connected because a tenant said so, the network's answers stay here.
  const opaque = Boolean(site.hosted && site.endpoint);
  const unreachable = {
    kind: "network" as const,
    message: `${where} could not connect to the endpoint. Check the endpoint override, and that it is reachable from the internet.`,
  };

  const code = networkCode(e);
  if (code === REFUSED_ADDRESS_CODE) {
    return { kind: "network", message: `${where} could not be reached: ${REFUSED_ADDRESS_ERROR}.` };
  }
  if (code && DNS_CODES.has(code)) {
    return {
      kind: "dns",
      message: `${where} could not be reached: the host name${e.hostname ? ` ${e.hostname}` : ""} does not resolve (DNS). Check the region${site.endpoint ? " and the endpoint override" : ""} and this server's network.`,
    };
  }
  if (code || name === "TimeoutError" || name === "RequestTimeout") {
    if (opaque) return unreachable;
    return {
      kind: "network",
      message: `${where} could not be reached${target}: ${detail}. Check ${site.endpoint ? "the endpoint override and " : ""}this server's network.`,
    };
  }
  if (/invalid region|region .*(is not|not) (valid|supported)|scoped to a valid region/i.test(detail)) {
    return { kind: "region", message: `${where}: the region was refused: ${detail}` };
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return { kind: "credentials", message: `The AWS credentials were refused: ${detail}` };
  }
  if (PERMISSION_ERRORS.has(name) || status === 403) {
    return { kind: "permission", message: `AWS denied the request: ${detail}` };
  }
  if (THROTTLING_ERRORS.has(name) || status === 429) {
    return {
      kind: "throttled",
      message: `${where} is throttling requests and still was after ${MAX_ATTEMPTS} attempts; try again in a moment.`,
    };
  }
  if (name === "ClientException" || (e.$fault === "client" && status !== undefined && status < 500)) {
    return { kind: NOT_FOUND.test(detail) ? "not-found" : "client", message: detail };
  }
  if (name === "ServerException" || e.$fault === "server" || (status !== undefined && status >= 500)) {
    return {
      kind: "server",
      message: `${where} answered with an internal error${target}: ${detail}. Try again later.`,
    };
  }
  // No HTTP answer and nothing known: a connection-level failure of some other kind.
  if (opaque && status === undefined) return unreachable;
  return { kind: "network", message: `${where} could not be reached${target}: ${name}: ${detail}` };
}

const CODES: Record<AwsFailureKind, ConstructorParameters<typeof AppError>[0]> = {
  client: "INVALID_INPUT",
  "not-found": "NOT_FOUND",
  permission: "FORBIDDEN",
  credentials: "BACKEND_UNAVAILABLE",
  region: "BACKEND_UNAVAILABLE",
  dns: "BACKEND_UNAVAILABLE",
  network: "BACKEND_UNAVAILABLE",
  throttled: "RATE_LIMITED",
  server: "BACKEND_UNAVAILABLE",
};

/** An error from the SDK or the network under it, as opposed to a bug of our own. */
function fromAws(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as SdkErrorLike;
  return (
    e.$metadata !== undefined ||
    e.$fault !== undefined ||
    networkCode(e) !== undefined ||
    CREDENTIAL_ERRORS.has(e.name ?? "") ||
    PERMISSION_ERRORS.has(e.name ?? "") ||
    THROTTLING_ERRORS.has(e.name ?? "") ||
    e.name === "TimeoutError" ||
    e.name === "RequestTimeout"
  );
}

/** The AppError for an AWS failure; anything else (AppErrors, our own bugs) goes through as it is. */
export function toAppError(error: unknown, site: AwsCallSite): unknown {
  if (!fromAws(error)) return error;
  const failure = classifyAwsError(error, site);
  return new AppError(CODES[failure.kind], failure.message);
}
