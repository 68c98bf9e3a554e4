// Amazon EventBridge's JSON 1.1 protocol for rules on the default bus, their targets, connections
// and API destinations, so `aws events … --endpoint-url` works unchanged: POST / with
// X-Amz-Target "AWSEvents.<Operation>", signed for the "events" service. proxy.ts rewrites those
// requests to app/aws-events/route.ts; the signature was computed over "/", so that is the path
// verified. Input and output are the domain functions' own (PascalCase, as AWS), so this layer
// only authenticates, dispatches and names errors as EventBridge does.
import { randomUUID } from "node:crypto";
import { ApiError, errorResponse, jsonBody, parseJsonObject } from "@/lib/api/errors";
import { type ApiDeps, authenticate } from "@/lib/api/v1-handler";
import type { OrgContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import {
  createApiDestination,
  createConnection,
  deleteApiDestination,
  deleteConnection,
  describeApiDestination,
  describeConnection,
  listApiDestinations,
  listConnections,
} from "./event-destinations";
import {
  deleteRule,
  describeRule,
  disableRule,
  enableRule,
  listRules,
  listTargetsByRule,
  putRule,
  putTargets,
  removeTargets,
} from "./event-rules";

export const EVENTS_TARGET_PREFIX = "AWSEvents.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

// Each domain function validates its own input; the casts only satisfy the table's one signature.
type Operation = (ctx: OrgContext, raw: Record<string, unknown>) => Promise<unknown>;
const empty =
  (run: (ctx: OrgContext, raw: never) => Promise<void>): Operation =>
  async (ctx, raw) => {
    await run(ctx, raw as never);
    return {};
  };

export const EVENTS_OPERATIONS: Record<string, Operation> = {
  PutRule: (ctx, raw) => putRule(ctx, raw as never),
  DescribeRule: (ctx, raw) => describeRule(ctx, raw as never),
  ListRules: (ctx, raw) => listRules(ctx, raw as never),
  DeleteRule: empty(deleteRule),
  EnableRule: empty(enableRule),
  DisableRule: empty(disableRule),
  PutTargets: (ctx, raw) => putTargets(ctx, raw as never),
  ListTargetsByRule: (ctx, raw) => listTargetsByRule(ctx, raw as never),
  RemoveTargets: (ctx, raw) => removeTargets(ctx, raw as never),
  CreateConnection: (ctx, raw) => createConnection(ctx, raw as never),
  DescribeConnection: (ctx, raw) => describeConnection(ctx, raw as never),
  ListConnections: (ctx, raw) => listConnections(ctx, raw as never),
  DeleteConnection: (ctx, raw) => deleteConnection(ctx, raw as never),
  CreateApiDestination: (ctx, raw) => createApiDestination(ctx, raw as never),
  DescribeApiDestination: (ctx, raw) => describeApiDestination(ctx, raw as never),
  ListApiDestinations: (ctx, raw) => listApiDestinations(ctx, raw as never),
  DeleteApiDestination: empty(deleteApiDestination),
};

/** EventBridge's modeled errors for what the domain raises; the rest as lib/api/errors.ts maps them. */
export function eventsError(error: unknown): unknown {
  // The shared body reader's refusals (not JSON, too large) are ClientException, a Batch name.
  if (error instanceof ApiError && error.type === "ClientException") {
    return new ApiError("ValidationException", 400, error.message);
  }
  if (!(error instanceof AppError)) return error;
  switch (error.code) {
    case "INVALID_INPUT":
      return error.fieldErrors?.EventPattern
        ? new ApiError("InvalidEventPatternException", 400, error.message)
        : new ApiError("ValidationException", 400, error.message);
    case "NOT_FOUND":
      return new ApiError("ResourceNotFoundException", 400, error.message);
    case "CONFLICT":
      return new ApiError("ResourceAlreadyExistsException", 400, error.message);
    case "LIMIT_EXCEEDED":
      return new ApiError("LimitExceededException", 400, error.message);
    default:
      return error;
  }
}

export function createEventsHandler(deps: ApiDeps) {
  return async function handle(req: Request): Promise<Response> {
    const requestId = randomUUID();
    try {
      const { ctx, body } = await authenticate(req, deps, { service: "events", signedPath: "/" });
      const target = req.headers.get("x-amz-target") ?? "";
      const name = target.startsWith(EVENTS_TARGET_PREFIX) ? target.slice(EVENTS_TARGET_PREFIX.length) : "";
      const run = Object.hasOwn(EVENTS_OPERATIONS, name) ? EVENTS_OPERATIONS[name] : undefined;
      if (!run) {
        throw new ApiError("UnknownOperationException", 400, `Operation ${target || "(none)"} is not supported.`);
      }
      const result = await run(ctx, parseJsonObject(body, req.headers.get("content-type")));
      return new Response(jsonBody(result), {
        status: 200,
        headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": requestId },
      });
    } catch (error) {
      return errorResponse(eventsError(error), { requestId, contentType: CONTENT_TYPE });
    }
  };
}
