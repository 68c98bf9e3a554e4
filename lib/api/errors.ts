// AWS's error shape for the /v1 API and the CloudWatch Logs endpoint: the type in the
// `x-amzn-errortype` header (the JS SDK reads that first) and in the body's `__type` (botocore
// and moto read that), with a `message`. AppErrors map onto AWS Batch's modeled errors;
// anything unexpected is a ServerException whose details go only to the server log.
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";

export class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const clientError = (message: string) => new ApiError("ClientException", 400, message);

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * AWS Batch answers ClientException for invalid input, unknown resources, conflicts and limits
 * alike (reference §3 "Errors"). A role that lacks the permission is what IAM answers with
 * AccessDeniedException 403, which the SDKs surface under that name.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof AppError) {
    switch (error.code) {
      case "FORBIDDEN":
        return new ApiError("AccessDeniedException", 403, error.message);
      case "UNAUTHENTICATED":
        return new ApiError("UnrecognizedClientException", 403, error.message);
      case "RATE_LIMITED":
        return new ApiError("TooManyRequestsException", 429, error.message);
      // AWS Batch behind an AWS-backed organization failed; the message says how, in plain
      // words and without credentials, so it is passed on rather than hidden.
      case "BACKEND_UNAVAILABLE":
        return new ApiError("ServerException", 500, error.message);
      default:
        return new ApiError("ClientException", 400, error.message);
    }
  }
  return new ApiError("ServerException", 500, "An internal error occurred. Try again later.");
}

export function errorResponse(error: unknown, opts: { requestId?: string; contentType?: string } = {}): Response {
  const apiError = toApiError(error);
  if (apiError.type === "ServerException" && !(error instanceof ApiError)) {
    logger().error("api request failed", { component: "api", requestId: opts.requestId, error });
  }
  return new Response(JSON.stringify({ __type: apiError.type, message: apiError.message }), {
    status: apiError.status,
    headers: {
      "content-type": opts.contentType ?? "application/json",
      "x-amzn-errortype": apiError.type,
      ...(opts.requestId ? { "x-amzn-requestid": opts.requestId } : {}),
    },
  });
}

/** JSON with AWS's conventions: epoch-millisecond numbers for BigInt and Date values. */
export function jsonBody(value: unknown): string {
  return JSON.stringify(value, function (key, v) {
    if (typeof v === "bigint") return Number(v);
    // JSON.stringify has already called Date#toJSON on `v`; the holder still has the Date.
    const original = (this as Record<string, unknown>)[key];
    if (original instanceof Date) return original.getTime();
    return v;
  });
}

/**
 * Read a request body up to the limit without trusting Content-Length (it may be absent or
 * wrong), and parse it as a JSON object. Empty bodies count as `{}`, as AWS treats them.
 */
export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

const tooLarge = (limit: number) =>
  clientError(`The request body is larger than the ${Math.round(limit / 1024 / 1024)} MiB limit.`);

export function parseJsonObject(body: Uint8Array, contentType: string | null): Record<string, unknown> {
  if (contentType && !/json/i.test(contentType)) {
    throw clientError(`Unsupported content type "${contentType}"; send application/json.`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw clientError("The request body is not valid UTF-8.");
  }
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw clientError("The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw clientError("The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}
