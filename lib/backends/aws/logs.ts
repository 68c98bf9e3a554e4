// A job's log on the AWS backend: CloudWatch Logs GetLogEvents on the stream AWS names in the
// attempt (`container.logStreamName`), in the log group `/aws/batch/job` unless the job
// definition chose another. To follow a running job, call again with `nextForwardToken`: AWS
// answers the same token back when nothing new has been written yet (reference §5).
import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { OrgContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { callLogs } from "./call";
import { awsClientsFor } from "./for-organization";

export const DEFAULT_LOG_GROUP = "/aws/batch/job";

export interface GetLogEventsInput {
  logStreamName: string;
  logGroupName?: string;
  /** A nextForwardToken from an earlier call; absent reads from the start of the stream. */
  nextToken?: string;
  /** Events per call, 1–10,000 (AWS's limit; a page also stops at 1 MB). */
  limit?: number;
}

export interface LogEventsPage {
  events: { timestamp: number; message: string; ingestionTime?: number }[];
  nextForwardToken: string | null;
  nextBackwardToken: string | null;
  /** True when AWS handed back the token it was given: nothing new yet. */
  atEnd: boolean;
}

export async function getLogEvents(ctx: OrgContext, input: GetLogEventsInput): Promise<LogEventsPage> {
  const clients = await awsClientsFor(ctx);
  if (!clients) throw new AppError("INVALID_INPUT", "This organization does not run on the AWS backend.");
  const out = await callLogs(clients, (c) =>
    c.send(
      new GetLogEventsCommand({
        logGroupName: input.logGroupName ?? DEFAULT_LOG_GROUP,
        logStreamName: input.logStreamName,
        // startFromHead must stay true whenever a forward token is passed.
        startFromHead: true,
        ...(input.nextToken ? { nextToken: input.nextToken } : {}),
        ...(input.limit ? { limit: Math.max(1, Math.min(input.limit, 10_000)) } : {}),
      }),
    ),
  );
  const nextForwardToken = out.nextForwardToken ?? null;
  return {
    events: (out.events ?? []).map((e) => ({
      timestamp: e.timestamp ?? 0,
      message: e.message ?? "",
      ...(e.ingestionTime !== undefined ? { ingestionTime: e.ingestionTime } : {}),
    })),
    nextForwardToken,
    nextBackwardToken: out.nextBackwardToken ?? null,
    atEnd: input.nextToken !== undefined && nextForwardToken === input.nextToken,
  };
}
