// The AWS Batch backend: the BatchBackend interface through @aws-sdk/client-batch, bound to one
// organization's clients. Requests and responses are AWS's shapes on both sides, so most methods
// pass through (resources.ts); jobs need the console's extras (jobs.ts, list-jobs-for-console.ts).
import { COUNT_CAP } from "@/lib/jobs/list-jobs";
import type { BatchBackend } from "../types";
import type { AwsClients } from "./clients";
import * as consoleReads from "./console";
import { awsConsumableResourceMethods } from "./consumable-resources";
import { cancelJobs, describeJobs, listJobs, stopJobs, stopOne, submitJob, terminateJobs } from "./jobs";
import { listJobsForConsole } from "./list-jobs-for-console";
import { getJobLogEvents } from "./logs";
import { getMetricSeries } from "./metrics";
import { awsResourceMethods } from "./resources";
import { awsServiceMethods } from "./service-operations";

export function awsBackend(clients: AwsClients): BatchBackend {
  return {
    kind: "aws",
    ...awsResourceMethods(clients),
    ...awsConsumableResourceMethods(clients),
    ...awsServiceMethods(clients),
    submitJob: (ctx, input) => submitJob(clients, ctx, input),
    describeJobs: (_ctx, input) => describeJobs(clients, input.jobs),
    listJobs: (_ctx, input) => listJobs(clients, input),
    // AWS's ListJobs pages forward only: the console offers "next" and the browser's history.
    listJobsForConsole: async (ctx, input) => ({
      prevCursor: null,
      ...(await listJobsForConsole(clients, input, ctx.user.id)),
    }),
    cancelJob: (ctx, input) => stopOne(clients, ctx, input, "CANCEL"),
    terminateJob: (ctx, input) => stopOne(clients, ctx, input, "TERMINATE"),
    stopJobs: (ctx, jobIds, reason, kind, opts) => stopJobs(clients, ctx, jobIds, reason, kind, opts),
    cancelJobs: (ctx, input) => cancelJobs(clients, ctx, input),
    terminateJobs: (ctx, input) => terminateJobs(clients, ctx, input),
    // The console's extra reads, built from what AWS Batch and CloudWatch Logs offer (console.ts).
    computeEnvironmentUsage: async () => consoleReads.computeEnvironmentUsage(clients),
    jobQueueCounts: async (_ctx, options) => consoleReads.sharedJobQueueCounts(clients, options?.terminalMaxAgeMs),
    // AWS reports no time a job became RUNNABLE without listing every waiting job.
    longestWaits: async () => ({
      jobQueues: [],
      partial: "AWS Batch does not report how long jobs have waited without listing them all.",
    }),
    resolveJobFilter: (_ctx, input) => consoleReads.resolveJobFilter(clients, input),
    countJobsForConsole: (_ctx, input, cap = COUNT_CAP) => consoleReads.countJobsForConsole(clients, input, cap),
    listDependents: (ctx, input) => consoleReads.listDependents(clients, ctx, input),
    whyNotRunning: (ctx, input) => consoleReads.whyNotRunning(clients, ctx, input),
    getLogEvents: (ctx, input) => getJobLogEvents(clients, ctx, input),
    getMetricSeries: (ctx, input) => getMetricSeries(clients, ctx, input),
  };
}
