// The one wrapper for the AWS-compatible endpoints (STYLE.md point 2): read the body within its
// limit, verify SigV4, build the caller's context from the access key, check the permission,
// validate with the operation's schema, call the domain function, answer JSON or AWS's error
// shape. The database and the clock are injected so tests drive it with real requests against a
// throwaway database; the route files pass the process-wide client.
import { randomUUID } from "node:crypto";
import { findApiCaller, markAccessKeyUsed } from "@/lib/access-keys/api-caller";
import type { OrgContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { RELAY_HEADER } from "@/lib/backends/aws/clients";
import type { Db } from "@/lib/db";
import { ApiError, clientError, errorResponse, jsonBody, parseJsonObject, readBody } from "./errors";
import { type AnyOperation, API_OPERATIONS, findOperation } from "./operations";
import { parseApiInput } from "./parse-input";
import { verifySigV4 } from "./sigv4";

export interface ApiDeps {
  db: Db;
  now?: () => number;
}

export interface Authenticated {
  ctx: OrgContext;
  body: Uint8Array;
  url: URL;
}

/** Verify the signature of a request for `service` and return the caller's context. */
export async function authenticate(
  req: Request,
  deps: ApiDeps,
  opts: { service: string; signedPath?: string },
): Promise<Authenticated> {
  const body = await readBody(req);
  const url = new URL(req.url);
  const now = deps.now?.() ?? Date.now();
  const caller = await verifySigV4(
    {
      method: req.method,
      path: opts.signedPath ?? url.pathname,
      query: url.searchParams,
      headers: signedHeaders(req.headers),
      body,
    },
    { service: opts.service, now, lookup: (id) => findApiCaller(deps.db, id) },
  );
  await markAccessKeyUsed(deps.db, caller, new Date(now));
  if (req.headers.get(RELAY_HEADER)) await refuseSecondRelay(deps.db, caller.context.organizationId);
  return { ctx: caller.context, body, url };
}

/**
 * A request another Batchdeck relayed for its AWS-backed organization is served here only by a
 * built-in organization: relaying it on again is how an organization pointed at its own /v1
 * would call itself without end.
 */
async function refuseSecondRelay(db: Db, organizationId: string): Promise<void> {
  const org = await db.organization.findUnique({ where: { id: organizationId }, select: { backend: true } });
  if (org?.backend === "aws") {
    throw clientError(
      "This access key's organization runs on the AWS backend itself, and this request was already relayed by a Batchdeck AWS backend: use an access key of an organization on the built-in engine.",
    );
  }
}

/**
 * The client signed the Host it connected to. Next's internal rewrite (proxy.ts, for CloudWatch
 * Logs) and reverse proxies in front of Batchdeck replace Host and keep the original in
 * X-Forwarded-Host, so that is the one the signature covers.
 */
function signedHeaders(headers: Headers): Headers {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  if (!forwarded || forwarded === headers.get("host")) return headers;
  const copy = new Headers(headers);
  copy.set("host", forwarded);
  return copy;
}

export async function runOperation(ctx: OrgContext, operation: AnyOperation, raw: unknown): Promise<unknown> {
  if (!can(ctx.role, operation.permission)) {
    throw new ApiError(
      "AccessDeniedException",
      403,
      `User: ${ctx.user.email} is not authorized to perform: batch:${operation.name} (role ${ctx.role}).`,
    );
  }
  return operation.run(ctx, parseApiInput(operation.input, raw));
}

function ok(body: unknown, requestId: string): Response {
  return new Response(jsonBody(body ?? {}), {
    status: 200,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
  });
}

export function createV1Handler(deps: ApiDeps) {
  return {
    /** POST /v1/<lower-cased operation name>. */
    async operation(req: Request, segment: string): Promise<Response> {
      const requestId = randomUUID();
      try {
        const { ctx, body } = await authenticate(req, deps, { service: "batch" });
        const found = findOperation(segment);
        if (found.kind === "unknown") {
          throw new ApiError("UnknownOperationException", 404, `Unknown operation "${segment}".`);
        }
        const raw = parseJsonObject(body, req.headers.get("content-type"));
        return ok(await runOperation(ctx, found.operation, raw), requestId);
      } catch (error) {
        return errorResponse(error, { requestId });
      }
    },

    /**
     * {GET, POST, DELETE} /v1/tags/{resourceArn}. The ARN is read from the raw path, where the
     * SDKs percent-encode it whole (its "/" included), rather than from decoded route params.
     */
    async tags(req: Request): Promise<Response> {
      const requestId = randomUUID();
      try {
        const { ctx, body, url } = await authenticate(req, deps, { service: "batch" });
        const encoded = url.pathname.replace(/^\/v1\/tags\//, "");
        let resourceArn: string;
        try {
          resourceArn = decodeURIComponent(encoded);
        } catch {
          throw clientError("The resource ARN in the path is not valid percent-encoding.");
        }
        const method = req.method.toUpperCase();
        if (method === "POST") {
          const raw = parseJsonObject(body, req.headers.get("content-type"));
          return ok(await runOperation(ctx, tagOp("TagResource"), { ...raw, resourceArn }), requestId);
        }
        if (method === "DELETE") {
          const tagKeys = url.searchParams.getAll("tagKeys");
          return ok(await runOperation(ctx, tagOp("UntagResource"), { resourceArn, tagKeys }), requestId);
        }
        if (method === "GET") {
          return ok(await runOperation(ctx, tagOp("ListTagsForResource"), { resourceArn }), requestId);
        }
        throw clientError(`Method ${method} is not allowed on /v1/tags.`);
      } catch (error) {
        return errorResponse(error, { requestId });
      }
    },
  };
}

function tagOp(name: "TagResource" | "UntagResource" | "ListTagsForResource"): AnyOperation {
  const operation = API_OPERATIONS[name];
  if (!operation) throw new Error(`${name} is missing from the operation registry`);
  return operation;
}
