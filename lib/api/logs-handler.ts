// CloudWatch Logs' JSON 1.1 protocol: POST / with X-Amz-Target "Logs_20140328.<Operation>",
// signed for the "logs" service. proxy.ts rewrites those requests to app/aws-logs/route.ts
// (a route handler cannot share "/" with the console's root page); the signature was computed
// over "/", so that is the path verified here.
import { randomUUID } from "node:crypto";
import {
  DescribeLogStreamsCommand,
  type DescribeLogStreamsCommandInput,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
} from "@aws-sdk/client-cloudwatch-logs";
import type { OrgContext } from "@/lib/auth/context";
import { callLogs } from "@/lib/backends/aws/call";
import { awsClientsFor } from "@/lib/backends/aws/for-organization";
import { AppError } from "@/lib/errors";
import { describeLogStreams, getLogEvents } from "./cloudwatch-logs";
import { ApiError, errorResponse, jsonBody, parseJsonObject } from "./errors";
import { type ApiDeps, authenticate } from "./v1-handler";

export const LOGS_TARGET_PREFIX = "Logs_20140328.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

// An organization on AWS Batch has these calls carried to its CloudWatch Logs as they came (the
// SDK serializes only the fields it models); one on the built-in engine reads the engine's logs.
const LOG_OPERATIONS: Record<string, (ctx: OrgContext, raw: unknown) => Promise<unknown>> = {
  GetLogEvents: async (ctx, raw) => {
    const clients = await awsClientsFor(ctx);
    if (!clients) return getLogEvents(ctx, raw);
    return callLogs(clients, (c) => c.send(new GetLogEventsCommand(raw as GetLogEventsCommandInput)));
  },
  DescribeLogStreams: async (ctx, raw) => {
    const clients = await awsClientsFor(ctx);
    if (!clients) return describeLogStreams(ctx, raw);
    return callLogs(clients, (c) => c.send(new DescribeLogStreamsCommand(raw as DescribeLogStreamsCommandInput)));
  },
};
export function createLogsHandler(deps: ApiDeps) {
  return async function handle(req: Request): Promise<Response> {
    const requestId = randomUUID();
    try {
      const { ctx, body } = await authenticate(req, deps, { service: "logs", signedPath: "/" });
      const target = req.headers.get("x-amz-target") ?? "";
      const run = target.startsWith(LOGS_TARGET_PREFIX)
        ? LOG_OPERATIONS[target.slice(LOGS_TARGET_PREFIX.length)]
        : undefined;
      if (!run) {
        throw new ApiError("UnknownOperationException", 400, `Operation ${target || "(none)"} is not supported.`);
      }
      const result = await run(ctx, parseJsonObject(body, req.headers.get("content-type")));
      return new Response(jsonBody(result), {
        status: 200,
        headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": requestId },
      });
    } catch (error) {
      // CloudWatch Logs' own name for bad input is InvalidParameterException.
      const mapped =
        error instanceof AppError && error.code === "INVALID_INPUT"
          ? new ApiError("InvalidParameterException", 400, error.message)
          : error;
      return errorResponse(mapped, { requestId, contentType: CONTENT_TYPE });
    }
  };
}
