// The one interface the console, the server actions and the /v1 API call, whichever backend an
// organization runs on. Every method takes the caller's context and an AWS-shaped request
// (already validated by the operation's zod schema) and returns AWS's response shape, with
// timestamps in epoch milliseconds.
//
// The method types are those of the built-in implementation's domain functions, so the two
// cannot drift apart; the AWS backend implements the same signatures through the AWS SDK.
import type { OrgContext } from "@/lib/auth/context";
import type { describeJobs } from "@/lib/jobs/describe-jobs";
import type { explainJob } from "@/lib/jobs/explain-job";
import type { listDependents } from "@/lib/jobs/list-dependents";
import type { countJobsForConsole, listJobs, listJobsForConsole, resolveJobFilter } from "@/lib/jobs/list-jobs";
import type { longestWaits } from "@/lib/jobs/longest-waits";
import type { jobQueueCounts } from "@/lib/jobs/queue-counts";
import type { getJobQueueSnapshot } from "@/lib/jobs/queue-snapshot";
import type { cancelJob, cancelJobs, stopJobs, terminateJob, terminateJobs } from "@/lib/jobs/stop-jobs";
import type { submitJob } from "@/lib/jobs/submit-job";
import type { getLogEvents } from "@/lib/logs/get-log-events";
import type { getMetricSeries } from "@/lib/metrics/get-metric-series";
import type { AwsOnlyMethod } from "@/lib/resources/aws-only/aws-only-operations";
import type { computeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";
import type { createComputeEnvironment } from "@/lib/resources/compute-environments/create-compute-environment";
import type { deleteComputeEnvironment } from "@/lib/resources/compute-environments/delete-compute-environment";
import type { describeComputeEnvironments } from "@/lib/resources/compute-environments/describe-compute-environments";
import type { updateComputeEnvironment } from "@/lib/resources/compute-environments/update-compute-environment";
import type { createConsumableResource } from "@/lib/resources/consumable-resources/create-consumable-resource";
import type { deleteConsumableResource } from "@/lib/resources/consumable-resources/delete-consumable-resource";
import type { describeConsumableResource } from "@/lib/resources/consumable-resources/describe-consumable-resource";
import type { listConsumableResources } from "@/lib/resources/consumable-resources/list-consumable-resources";
import type { listJobsByConsumableResource } from "@/lib/resources/consumable-resources/list-jobs-by-consumable-resource";
import type { updateConsumableResource } from "@/lib/resources/consumable-resources/update-consumable-resource";
import type { deregisterJobDefinition } from "@/lib/resources/job-definitions/deregister-job-definition";
import type { describeJobDefinitions } from "@/lib/resources/job-definitions/describe-job-definitions";
import type { registerJobDefinition } from "@/lib/resources/job-definitions/register-job-definition";
import type { createJobQueue } from "@/lib/resources/job-queues/create-job-queue";
import type { deleteJobQueue } from "@/lib/resources/job-queues/delete-job-queue";
import type { describeJobQueues } from "@/lib/resources/job-queues/describe-job-queues";
import type { updateJobQueue } from "@/lib/resources/job-queues/update-job-queue";
import type { createSchedulingPolicy } from "@/lib/resources/scheduling-policies/create-scheduling-policy";
import type { deleteSchedulingPolicy } from "@/lib/resources/scheduling-policies/delete-scheduling-policy";
import type { describeSchedulingPolicies } from "@/lib/resources/scheduling-policies/describe-scheduling-policies";
import type { listSchedulingPolicies } from "@/lib/resources/scheduling-policies/list-scheduling-policies";
import type { updateSchedulingPolicy } from "@/lib/resources/scheduling-policies/update-scheduling-policy";
import type { listTagsForResource } from "@/lib/resources/tags/list-tags-for-resource";
import type { tagResource } from "@/lib/resources/tags/tag-resource";
import type { untagResource } from "@/lib/resources/tags/untag-resource";

export type BackendKind = "builtin" | "aws";

export interface BatchBackend {
  readonly kind: BackendKind;

  createComputeEnvironment: typeof createComputeEnvironment;
  describeComputeEnvironments: typeof describeComputeEnvironments;
  updateComputeEnvironment: typeof updateComputeEnvironment;
  deleteComputeEnvironment: typeof deleteComputeEnvironment;
  /** Console: vCPUs, memory and GPUs held now by jobs STARTING or RUNNING on each environment. */
  computeEnvironmentUsage: typeof computeEnvironmentUsage;

  createJobQueue: typeof createJobQueue;
  describeJobQueues: typeof describeJobQueues;
  updateJobQueue: typeof updateJobQueue;
  deleteJobQueue: typeof deleteJobQueue;
  /** GetJobQueueSnapshot: the first RUNNABLE jobs in dispatch order. */
  getJobQueueSnapshot: typeof getJobQueueSnapshot;
  /** Console: jobs per status in each queue. */
  jobQueueCounts: typeof jobQueueCounts;
  /** Console (dashboard "Right now"): since when each queue's oldest RUNNABLE job has waited. */
  longestWaits: typeof longestWaits;

  createSchedulingPolicy: typeof createSchedulingPolicy;
  describeSchedulingPolicies: typeof describeSchedulingPolicies;
  listSchedulingPolicies: typeof listSchedulingPolicies;
  updateSchedulingPolicy: typeof updateSchedulingPolicy;
  deleteSchedulingPolicy: typeof deleteSchedulingPolicy;

  createConsumableResource: typeof createConsumableResource;
  describeConsumableResource: typeof describeConsumableResource;
  listConsumableResources: typeof listConsumableResources;
  updateConsumableResource: typeof updateConsumableResource;
  deleteConsumableResource: typeof deleteConsumableResource;
  listJobsByConsumableResource: typeof listJobsByConsumableResource;

  registerJobDefinition: typeof registerJobDefinition;
  describeJobDefinitions: typeof describeJobDefinitions;
  deregisterJobDefinition: typeof deregisterJobDefinition;

  submitJob: typeof submitJob;
  describeJobs: typeof describeJobs;
  listJobs: typeof listJobs;
  listJobsForConsole: typeof listJobsForConsole;
  /** The console's filter → job ids, one keyset page at a time (bulk actions by filter). */
  resolveJobFilter: typeof resolveJobFilter;
  /** How many jobs the console's filter matches, up to a cap. */
  countJobsForConsole: typeof countJobsForConsole;
  /** Jobs that depend on a job (the downstream side of its dependency graph). */
  listDependents: typeof listDependents;
  /** Why a job that has not reached a host yet is still waiting. */
  whyNotRunning: typeof explainJob;
  cancelJob: typeof cancelJob;
  terminateJob: typeof terminateJob;
  /** CancelJobs / TerminateJobs (bulk). */
  stopJobs: typeof stopJobs;
  cancelJobs: typeof cancelJobs;
  terminateJobs: typeof terminateJobs;

  /** One attempt's STDOUT/STDERR for the console, read forward with a token (live logs, download). */
  getLogEvents: typeof getLogEvents;
  /** The dashboard's aggregated series, percentiles and top failures over a time range. */
  getMetricSeries: typeof getMetricSeries;

  tagResource: typeof tagResource;
  untagResource: typeof untagResource;
  listTagsForResource: typeof listTagsForResource;

  // AWS only (lib/resources/aws-only): the built-in backend refuses them with a ClientException.
  createServiceEnvironment: AwsOnlyMethod;
  describeServiceEnvironments: AwsOnlyMethod;
  updateServiceEnvironment: AwsOnlyMethod;
  deleteServiceEnvironment: AwsOnlyMethod;
  submitServiceJob: AwsOnlyMethod;
  describeServiceJob: AwsOnlyMethod;
  listServiceJobs: AwsOnlyMethod;
  updateServiceJob: AwsOnlyMethod;
  terminateServiceJob: AwsOnlyMethod;
  terminateServiceJobs: AwsOnlyMethod;
  createQuotaShare: AwsOnlyMethod;
  describeQuotaShare: AwsOnlyMethod;
  listQuotaShares: AwsOnlyMethod;
  updateQuotaShare: AwsOnlyMethod;
  deleteQuotaShare: AwsOnlyMethod;
}

export type BackendResolver = (ctx: OrgContext) => Promise<BatchBackend>;
