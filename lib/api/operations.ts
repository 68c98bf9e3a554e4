// THE registry of the AWS Batch operations Batchdeck serves on /v1: operation name → permission,
// request schema, domain function. The /v1 handlers, the tags route and the authorization
// matrix test all read this table; an exported domain operation without an entry here fails
// lib/api/operations.test.ts.
//
// DOMAIN_OPERATIONS names the built-in domain functions; API_OPERATIONS, what /v1 runs, calls
// the same-named method of the caller's organization's backend (backendFor), so /v1 calls of an
// organization on AWS Batch go to AWS.
//
// Validation is per backend (lib/backends/input-for-backend.ts): where AWS accepts shapes the
// built-in engine cannot run, /v1 validates with AWS's schema (AWS_INPUTS) and, for a built-in
// organization, again with the built-in one, which refuses those fields by name.
import type { z } from "zod";
import type { Operation } from "@/lib/auth/operation";
import { backendFor } from "@/lib/backends";
import { inputForBackend } from "@/lib/backends/input-for-backend";
import type { BatchBackend } from "@/lib/backends/types";
import { registerJobDefinitionAwsInput } from "@/lib/batch/shapes/job-definitions";
import { createJobQueueAwsInput, updateJobQueueAwsInput } from "@/lib/batch/shapes/job-queues";
import { submitJobAwsInput } from "@/lib/batch/shapes/jobs";
import { createSchedulingPolicyAwsInput, updateSchedulingPolicyAwsInput } from "@/lib/batch/shapes/scheduling-policies";
import { describeJobs, describeJobsInput } from "@/lib/jobs/describe-jobs";
import { listJobs, listJobsInput } from "@/lib/jobs/list-jobs";
import { getJobQueueSnapshot, getJobQueueSnapshotInput } from "@/lib/jobs/queue-snapshot";
import {
  cancelJob,
  cancelJobInput,
  cancelJobs,
  cancelJobsInput,
  terminateJob,
  terminateJobInput,
  terminateJobs,
  terminateJobsInput,
} from "@/lib/jobs/stop-jobs";
import { submitJob, submitJobInput } from "@/lib/jobs/submit-job";
import { AWS_ONLY_OPERATIONS } from "@/lib/resources/aws-only/aws-only-operations";
import { RESOURCE_OPERATIONS } from "@/lib/resources/operations";
import { parseApiInput } from "./parse-input";

// biome-ignore lint/suspicious/noExplicitAny: the registry holds operations of many input/output types.
export type AnyOperation = Operation<z.ZodType, any>;

const op = <S extends z.ZodType, T>(o: Operation<S, T>) => o;

const JOB_OPERATIONS = {
  SubmitJob: op({ name: "SubmitJob", permission: "jobs.submit", input: submitJobInput, run: submitJob }),
  DescribeJobs: op({ name: "DescribeJobs", permission: "resources.view", input: describeJobsInput, run: describeJobs }),
  ListJobs: op({ name: "ListJobs", permission: "resources.view", input: listJobsInput, run: listJobs }),
  // Stopping needs only stopOwn at the door; stop-jobs.ts refuses other people's jobs unless
  // the caller also holds jobs.stopAny.
  CancelJob: op({ name: "CancelJob", permission: "jobs.stopOwn", input: cancelJobInput, run: cancelJob }),
  TerminateJob: op({ name: "TerminateJob", permission: "jobs.stopOwn", input: terminateJobInput, run: terminateJob }),
  CancelJobs: op({ name: "CancelJobs", permission: "jobs.stopOwn", input: cancelJobsInput, run: cancelJobs }),
  TerminateJobs: op({
    name: "TerminateJobs",
    permission: "jobs.stopOwn",
    input: terminateJobsInput,
    run: terminateJobs,
  }),
  GetJobQueueSnapshot: op({
    name: "GetJobQueueSnapshot",
    permission: "resources.view",
    input: getJobQueueSnapshotInput,
    run: getJobQueueSnapshot,
  }),
} as const;

/** Each operation with its built-in domain function as `run`. */
export const DOMAIN_OPERATIONS: Readonly<Record<string, AnyOperation>> = {
  ...RESOURCE_OPERATIONS,
  ...JOB_OPERATIONS,
  ...AWS_ONLY_OPERATIONS,
};

/** AWS's schema where it accepts more than the built-in engine runs (the domain `input`). */
export const AWS_INPUTS: Readonly<Partial<Record<string, z.ZodType>>> = {
  RegisterJobDefinition: registerJobDefinitionAwsInput,
  SubmitJob: submitJobAwsInput,
  CreateJobQueue: createJobQueueAwsInput,
  UpdateJobQueue: updateJobQueueAwsInput,
  CreateSchedulingPolicy: createSchedulingPolicyAwsInput,
  UpdateSchedulingPolicy: updateSchedulingPolicyAwsInput,
};

export type BackendMethod = Exclude<keyof BatchBackend, "kind" | "stopJobs" | "listJobsForConsole">;

/** The backend method an operation runs: its name in camelCase (SubmitJob → submitJob). */
export const backendMethodOf = (operation: string) =>
  (operation.charAt(0).toLowerCase() + operation.slice(1)) as BackendMethod;

export type ApiOperation = AnyOperation & { backendMethod: BackendMethod };

function viaBackend(operation: AnyOperation): ApiOperation {
  const backendMethod = backendMethodOf(operation.name);
  const awsInput = AWS_INPUTS[operation.name];
  return {
    ...operation,
    input: awsInput ?? operation.input,
    backendMethod,
    run: async (ctx, input) => {
      const backend = await backendFor(ctx);
      const accepted = awsInput ? inputForBackend(backend, operation.input, input, parseApiInput) : input;
      return (backend[backendMethod] as AnyOperation["run"])(ctx, accepted);
    },
  };
}

export const API_OPERATIONS: Readonly<Record<string, ApiOperation>> = Object.fromEntries(
  Object.entries(DOMAIN_OPERATIONS).map(([name, operation]) => [name, viaBackend(operation)]),
);

/** Served on /v1/tags/{arn} rather than /v1/<operation>. */
export const TAG_OPERATIONS = ["TagResource", "UntagResource", "ListTagsForResource"] as const;

/** Every operation in AWS Batch's API (reference §1); all are served. */
export const AWS_BATCH_OPERATIONS = [
  "CreateComputeEnvironment",
  "DescribeComputeEnvironments",
  "UpdateComputeEnvironment",
  "DeleteComputeEnvironment",
  "CreateJobQueue",
  "DescribeJobQueues",
  "UpdateJobQueue",
  "DeleteJobQueue",
  "GetJobQueueSnapshot",
  "RegisterJobDefinition",
  "DescribeJobDefinitions",
  "DeregisterJobDefinition",
  "SubmitJob",
  "DescribeJobs",
  "ListJobs",
  "CancelJob",
  "TerminateJob",
  "CancelJobs",
  "TerminateJobs",
  "CreateSchedulingPolicy",
  "DescribeSchedulingPolicies",
  "ListSchedulingPolicies",
  "UpdateSchedulingPolicy",
  "DeleteSchedulingPolicy",
  "CreateConsumableResource",
  "DescribeConsumableResource",
  "ListConsumableResources",
  "UpdateConsumableResource",
  "DeleteConsumableResource",
  "ListJobsByConsumableResource",
  "CreateServiceEnvironment",
  "DescribeServiceEnvironments",
  "UpdateServiceEnvironment",
  "DeleteServiceEnvironment",
  "SubmitServiceJob",
  "DescribeServiceJob",
  "ListServiceJobs",
  "UpdateServiceJob",
  "TerminateServiceJob",
  "TerminateServiceJobs",
  "CreateQuotaShare",
  "DescribeQuotaShare",
  "ListQuotaShares",
  "UpdateQuotaShare",
  "DeleteQuotaShare",
  "TagResource",
  "UntagResource",
  "ListTagsForResource",
] as const;

const BY_LOWER = new Map<string, string>(AWS_BATCH_OPERATIONS.map((name) => [name.toLowerCase(), name]));

export type OperationLookup = { kind: "served"; operation: AnyOperation } | { kind: "unknown" };

/**
 * `/v1/<segment>`: AWS sends the name lower-cased; the tag operations have their own route.
 * Every AWS Batch operation is served (lib/api/operations.test.ts checks it): those the built-in
 * engine does not run answer a ClientException from the built-in backend (lib/resources/aws-only).
 */
export function findOperation(segment: string): OperationLookup {
  const name = BY_LOWER.get(segment.toLowerCase());
  if (!name || (TAG_OPERATIONS as readonly string[]).includes(name)) return { kind: "unknown" };
  const operation = API_OPERATIONS[name];
  return operation ? { kind: "served", operation } : { kind: "unknown" };
}
