// The built-in backend: the domain functions that write to the database, which the engine then
// acts on. Nothing here talks to the engine directly; the database is the bus.
import { describeJobs } from "@/lib/jobs/describe-jobs";
import { explainJob } from "@/lib/jobs/explain-job";
import { listDependents } from "@/lib/jobs/list-dependents";
import { countJobsForConsole, listJobs, listJobsForConsole, resolveJobFilter } from "@/lib/jobs/list-jobs";
import { longestWaits } from "@/lib/jobs/longest-waits";
import { jobQueueCounts } from "@/lib/jobs/queue-counts";
import { getJobQueueSnapshot } from "@/lib/jobs/queue-snapshot";
import { cancelJob, cancelJobs, stopJobs, terminateJob, terminateJobs } from "@/lib/jobs/stop-jobs";
import { submitJob } from "@/lib/jobs/submit-job";
import { getLogEvents } from "@/lib/logs/get-log-events";
import { getMetricSeries } from "@/lib/metrics/get-metric-series";
import { awsOnlyBuiltinMethods } from "@/lib/resources/aws-only/aws-only-operations";
import { computeEnvironmentUsage } from "@/lib/resources/compute-environments/compute-environment-usage";
import { createComputeEnvironment } from "@/lib/resources/compute-environments/create-compute-environment";
import { deleteComputeEnvironment } from "@/lib/resources/compute-environments/delete-compute-environment";
import { describeComputeEnvironments } from "@/lib/resources/compute-environments/describe-compute-environments";
import { updateComputeEnvironment } from "@/lib/resources/compute-environments/update-compute-environment";
import { createConsumableResource } from "@/lib/resources/consumable-resources/create-consumable-resource";
import { deleteConsumableResource } from "@/lib/resources/consumable-resources/delete-consumable-resource";
import { describeConsumableResource } from "@/lib/resources/consumable-resources/describe-consumable-resource";
import { listConsumableResources } from "@/lib/resources/consumable-resources/list-consumable-resources";
import { listJobsByConsumableResource } from "@/lib/resources/consumable-resources/list-jobs-by-consumable-resource";
import { updateConsumableResource } from "@/lib/resources/consumable-resources/update-consumable-resource";
import { deregisterJobDefinition } from "@/lib/resources/job-definitions/deregister-job-definition";
import { describeJobDefinitions } from "@/lib/resources/job-definitions/describe-job-definitions";
import { registerJobDefinition } from "@/lib/resources/job-definitions/register-job-definition";
import { createJobQueue } from "@/lib/resources/job-queues/create-job-queue";
import { deleteJobQueue } from "@/lib/resources/job-queues/delete-job-queue";
import { describeJobQueues } from "@/lib/resources/job-queues/describe-job-queues";
import { updateJobQueue } from "@/lib/resources/job-queues/update-job-queue";
import { createSchedulingPolicy } from "@/lib/resources/scheduling-policies/create-scheduling-policy";
import { deleteSchedulingPolicy } from "@/lib/resources/scheduling-policies/delete-scheduling-policy";
import { describeSchedulingPolicies } from "@/lib/resources/scheduling-policies/describe-scheduling-policies";
import { listSchedulingPolicies } from "@/lib/resources/scheduling-policies/list-scheduling-policies";
import { updateSchedulingPolicy } from "@/lib/resources/scheduling-policies/update-scheduling-policy";
import { listTagsForResource } from "@/lib/resources/tags/list-tags-for-resource";
import { tagResource } from "@/lib/resources/tags/tag-resource";
import { untagResource } from "@/lib/resources/tags/untag-resource";
import type { BatchBackend } from "../types";

export const builtinBackend: BatchBackend = {
  kind: "builtin",
  ...awsOnlyBuiltinMethods,
  createComputeEnvironment,
  describeComputeEnvironments,
  updateComputeEnvironment,
  deleteComputeEnvironment,
  computeEnvironmentUsage,
  createJobQueue,
  describeJobQueues,
  updateJobQueue,
  deleteJobQueue,
  getJobQueueSnapshot,
  jobQueueCounts,
  longestWaits,
  createSchedulingPolicy,
  describeSchedulingPolicies,
  listSchedulingPolicies,
  updateSchedulingPolicy,
  deleteSchedulingPolicy,
  createConsumableResource,
  describeConsumableResource,
  listConsumableResources,
  updateConsumableResource,
  deleteConsumableResource,
  listJobsByConsumableResource,
  registerJobDefinition,
  describeJobDefinitions,
  deregisterJobDefinition,
  submitJob,
  describeJobs,
  listJobs,
  listJobsForConsole,
  resolveJobFilter,
  countJobsForConsole,
  listDependents,
  whyNotRunning: explainJob,
  cancelJob,
  terminateJob,
  stopJobs,
  cancelJobs,
  terminateJobs,
  getLogEvents,
  getMetricSeries,
  tagResource,
  untagResource,
  listTagsForResource,
};
