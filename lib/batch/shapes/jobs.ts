// AWS Batch's job request and response shapes: zod schemas of the request bodies (SubmitJob,
// DescribeJobs, ListJobs, CancelJob(s), TerminateJob(s)) and the builders that turn stored rows
// into JobSummary and JobDetail, with timestamps in epoch milliseconds as AWS sends them.
import { z } from "zod";
import type { Job, JobAttempt } from "@/generated/sqlite/client";
import { jobArn } from "@/lib/batch/arn";
import type { ResolvedContainer } from "@/lib/batch/container";
import { JOB_STATUSES, type JobStatus } from "@/lib/batch/states";
import { awsInt } from "./common";
import { type ConsumableResourceProperties, consumableResourcePropertiesSchema } from "./consumable-resources";
import { MAX_TAGS, tagsSchema } from "./tags";

export { MAX_TAGS };

/**
 * AWS caps dependsOn at 20 per job ("Job cannot have more than 20 dependencies"), which pushes
 * users into hand-built topological submitters; Batchdeck allows more (DESIGN.md: no
 * 20-dependency cap where the API allows more) while still bounding the rows one request writes.
 */
export const MAX_DEPENDENCIES = 100;
export const MIN_ARRAY_SIZE = 2;
export const MAX_ARRAY_SIZE = 10_000;
export const MAX_DESCRIBE_JOBS = 100;
export const MAX_BULK_STOP_JOBS = 50;
export const MAX_LIST_RESULTS = 1000;
/** AWS returns at most 100 summaries per page when filters are used. */
export const MAX_FILTERED_LIST_RESULTS = 100;
export const DEFAULT_LIST_RESULTS = 100;
export const MAX_REASON_LENGTH = 1024;

const jobName = z
  .string({ message: "jobName is required." })
  .min(1, "jobName must not be empty.")
  .max(128, "jobName must be at most 128 characters long.")
  .regex(/^[A-Za-z0-9]/, "jobName must start with a letter or a number.")
  .regex(
    /^[A-Za-z0-9_-]*$/,
    "jobName can contain only letters (uppercase and lowercase), numbers, hyphens (-) and underscores (_).",
  );

const nonEmpty = (label: string) =>
  z
    .string({ message: `${label} is required.` })
    .min(1, `${label} must not be empty.`)
    .max(2048, `${label} is too long.`);

const keyValue = z.object({
  name: z.string().min(1, "environment variable names must not be empty.").max(1024),
  value: z.string().max(32_768).default(""),
});

export const resourceRequirementSchema = z.object({
  type: z.enum(["GPU", "VCPU", "MEMORY"], { message: "resourceRequirements type must be one of GPU, VCPU, MEMORY." }),
  value: z.string().min(1, "resourceRequirements value must not be empty."),
});
export type ResourceRequirement = z.infer<typeof resourceRequirementSchema>;

// AWS overrides only these; volumes, secrets, privileged, ulimits, … come from the definition alone.
export const containerOverridesSchema = z.object({
  command: z.array(z.string().min(1, "containerOverrides.command can't contain an empty string.")).max(1000).optional(),
  // An override variable named like one of the definition's secrets is accepted (AWS accepts it)
  // but never wins: as on ECS, where the agent writes secrets into the environment after the plain
  // variables, the secret's value is what the container sees (engine/containers/create-spec.ts),
  // and the attempt's enforced limits list the shadowed names. So a submitter cannot replace a
  // credential the definition's owner chose to inject.
  environment: z
    .array(keyValue)
    .max(1000)
    .optional()
    .refine((env) => !env?.some((e) => e.name.startsWith("AWS_BATCH")), {
      message: "Environment variable names starting with AWS_BATCH are reserved for variables set by AWS Batch.",
    }),
  resourceRequirements: z.array(resourceRequirementSchema).max(3).optional(),
  instanceType: z.string().max(256).optional(),
  /** Deprecated by AWS in favour of resourceRequirements; still accepted. */
  vcpus: awsInt("containerOverrides.vcpus", 1).optional(),
  memory: awsInt("containerOverrides.memory", 4).optional(),
});
export type ContainerOverrides = z.infer<typeof containerOverridesSchema>;

const evaluateOnExitSchema = z.object({
  onStatusReason: z.string().max(512).optional(),
  onReason: z.string().max(512).optional(),
  onExitCode: z.string().max(512).optional(),
  // AWS accepts the action in any case and reports it upper-cased.
  action: z
    .string()
    .transform((a) => a.toUpperCase())
    .pipe(z.enum(["RETRY", "EXIT"], { message: "evaluateOnExit action must be RETRY or EXIT." })),
});

export const retryStrategySchema = z.object({
  attempts: z
    .number({ message: "retryStrategy.attempts must be a number between 1 and 10." })
    .int()
    .min(1, "retryStrategy.attempts must be between 1 and 10.")
    .max(10, "retryStrategy.attempts must be between 1 and 10."),
  evaluateOnExit: z
    .array(evaluateOnExitSchema)
    .max(5, "retryStrategy.evaluateOnExit can have at most 5 entries.")
    .optional(),
});
export type RetryStrategy = z.infer<typeof retryStrategySchema>;

export const timeoutSchema = z.object({
  attemptDurationSeconds: awsInt("timeout.attemptDurationSeconds", 60),
});

/** Job tags follow the same rules as every other taggable resource. */
export const jobTagsSchema = tagsSchema;

export const dependsOnSchema = z.object({
  jobId: z.string().min(1).max(200).optional(),
  type: z.enum(["N_TO_N", "SEQUENTIAL"], { message: "dependsOn type must be N_TO_N or SEQUENTIAL." }).optional(),
});
export type DependsOn = z.infer<typeof dependsOnSchema>;

const unsupported = (field: string) =>
  z
    .undefined({
      message: `${field} is not supported by the built-in backend, which runs container jobs only (organizations on the AWS Batch backend can submit it).`,
    })
    .optional();

export const submitJobInput = z.object({
  jobName,
  jobQueue: nonEmpty("jobQueue"),
  jobDefinition: nonEmpty("jobDefinition"),
  shareIdentifier: z
    .string()
    .min(1, "shareIdentifier must not be empty.")
    .max(255, "shareIdentifier must be at most 255 characters long.")
    .regex(/^[A-Za-z0-9]+$/, "shareIdentifier can contain only letters and numbers.")
    .optional(),
  schedulingPriorityOverride: z
    .number()
    .int()
    .min(0, "schedulingPriorityOverride must be between 0 and 9999.")
    .max(9999, "schedulingPriorityOverride must be between 0 and 9999.")
    .optional(),
  arrayProperties: z
    .object({
      size: z
        .number({ message: "arrayProperties.size must be a number." })
        .int("arrayProperties.size must be a whole number.")
        .min(MIN_ARRAY_SIZE, `Array job size must be between ${MIN_ARRAY_SIZE} and ${MAX_ARRAY_SIZE}.`)
        .max(MAX_ARRAY_SIZE, `Array job size must be between ${MIN_ARRAY_SIZE} and ${MAX_ARRAY_SIZE}.`),
    })
    .optional(),
  dependsOn: z
    .array(dependsOnSchema)
    .max(MAX_DEPENDENCIES, `Job cannot have more than ${MAX_DEPENDENCIES} dependencies`)
    .optional(),
  parameters: z.record(z.string(), z.string()).optional(),
  containerOverrides: containerOverridesSchema.optional(),
  retryStrategy: retryStrategySchema.optional(),
  propagateTags: z.boolean().optional(),
  timeout: timeoutSchema.optional(),
  tags: jobTagsSchema.optional(),
  /** Replaces the definition's consumableResourceProperties when it gives a list. */
  consumableResourcePropertiesOverride: consumableResourcePropertiesSchema.optional(),
  nodeOverrides: unsupported("nodeOverrides"),
  ecsPropertiesOverride: unsupported("ecsPropertiesOverride"),
  eksPropertiesOverride: unsupported("eksPropertiesOverride"),
});
export type SubmitJobInput = z.output<typeof submitJobInput>;

/**
 * SubmitJob as AWS accepts it: the multi-node, ECS-properties and EKS overrides included, and
 * fields this schema does not know kept. An organization on the AWS backend sends this to AWS,
 * which validates the overrides against the job definition.
 */
export const submitJobAwsInput = z.looseObject({
  ...submitJobInput.shape,
  nodeOverrides: z.unknown().optional(),
  ecsPropertiesOverride: z.unknown().optional(),
  eksPropertiesOverride: z.unknown().optional(),
});

export const describeJobsInput = z.object({
  jobs: z
    .array(z.string().min(1).max(200), { message: "jobs is required." })
    .max(MAX_DESCRIBE_JOBS, `Maximum number of jobs supported is ${MAX_DESCRIBE_JOBS}`),
});
export type DescribeJobsInput = z.output<typeof describeJobsInput>;

export const LIST_FILTER_NAMES = [
  "JOB_NAME",
  "JOB_DEFINITION",
  "BEFORE_CREATED_AT",
  "AFTER_CREATED_AT",
  "SHARE_IDENTIFIER",
] as const;

const listFilter = z.object({
  name: z.enum(LIST_FILTER_NAMES, { message: `Filter name must be one of ${LIST_FILTER_NAMES.join(", ")}.` }),
  values: z.array(z.string().min(1).max(1024)).length(1, "Each filter takes exactly one value."),
});

export const listJobsInput = z
  .object({
    jobQueue: z.string().min(1).max(2048).optional(),
    arrayJobId: z.string().min(1).max(200).optional(),
    multiNodeJobId: z.string().min(1).max(200).optional(),
    jobStatus: z.enum(JOB_STATUSES, { message: `jobStatus must be one of ${JOB_STATUSES.join(", ")}.` }).optional(),
    maxResults: z
      .number()
      .int()
      .min(1, "maxResults must be at least 1.")
      .max(MAX_LIST_RESULTS, `maxResults must be at most ${MAX_LIST_RESULTS}.`)
      .optional(),
    nextToken: z.string().max(1024).optional(),
    filters: z.array(listFilter).max(LIST_FILTER_NAMES.length).optional(),
  })
  .superRefine((input, ctx) => {
    const scopes = [input.jobQueue, input.arrayJobId, input.multiNodeJobId].filter((s) => s !== undefined);
    if (scopes.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: "Exactly one of jobQueue, arrayJobId or multiNodeJobId must be specified.",
      });
    }
    const names = (input.filters ?? []).map((f) => f.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: "custom", path: ["filters"], message: "Each filter name may be given only once." });
    }
    for (const f of input.filters ?? []) {
      if ((f.name === "BEFORE_CREATED_AT" || f.name === "AFTER_CREATED_AT") && !/^\d{1,15}$/.test(f.values[0] ?? "")) {
        ctx.addIssue({
          code: "custom",
          path: ["filters"],
          message: `${f.name} takes a time in milliseconds since the epoch, such as 1700000000000.`,
        });
      }
    }
  });
export type ListJobsInput = z.output<typeof listJobsInput>;

const reason = z
  .string({ message: "reason is required." })
  .min(1, "reason must not be empty.")
  .max(MAX_REASON_LENGTH, `reason must be at most ${MAX_REASON_LENGTH} characters long.`);
const jobId = z.string({ message: "jobId is required." }).min(1, "jobId must not be empty.").max(200);

export const cancelJobInput = z.object({ jobId, reason });
export const terminateJobInput = z.object({ jobId, reason });
const bulkJobs = z
  .array(jobId, { message: "jobs is required." })
  .min(1, "jobs must list at least one job id.")
  .max(MAX_BULK_STOP_JOBS, `Maximum number of jobs supported is ${MAX_BULK_STOP_JOBS}`);
export const cancelJobsInput = z.object({ jobs: bulkJobs, reason });
export const terminateJobsInput = z.object({ jobs: bulkJobs, reason });
export type StopJobInput = z.output<typeof cancelJobInput>;
export type StopJobsInput = z.output<typeof cancelJobsInput>;

export interface StopJobsResult {
  successful: string[];
  errors: { job: string; code: string; message: string }[];
}

// ─── Responses ───────────────────────────────────────────────────────────────

export interface JobSummary {
  jobArn: string;
  jobId: string;
  jobName: string;
  jobDefinition: string;
  status: JobStatus;
  statusReason?: string;
  shareIdentifier?: string;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  container?: { exitCode?: number; reason?: string };
  arrayProperties?: { size?: number; index?: number };
}

export interface AttemptDetail {
  container: { exitCode?: number; reason?: string; logStreamName?: string };
  startedAt?: number;
  stoppedAt?: number;
  statusReason?: string;
  /**
   * Batchdeck's own (the built-in engine): how the attempt ran, as the engine recorded it: the
   * executor (container or process) and the limits and sealing it enforced. AWS clients ignore it.
   */
  enforcedLimits?: Record<string, unknown>;
}

export interface JobDetail {
  jobArn: string;
  jobName: string;
  jobId: string;
  jobQueue: string;
  status: JobStatus;
  statusReason?: string;
  shareIdentifier?: string;
  schedulingPriority: number;
  attempts: AttemptDetail[];
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  dependsOn: DependsOn[];
  jobDefinition: string;
  parameters: Record<string, string>;
  container: Record<string, unknown>;
  arrayProperties?: {
    size?: number;
    index?: number;
    statusSummary?: Record<string, number>;
    statusSummaryLastUpdatedAt?: number;
  };
  retryStrategy?: RetryStrategy;
  timeout?: { attemptDurationSeconds: number };
  tags: Record<string, string>;
  propagateTags: boolean;
  platformCapabilities: string[];
  isCancelled: boolean;
  isTerminated: boolean;
  consumableResourceProperties?: ConsumableResourceProperties;
}

/** The parts of a job row the builders read, with the names of its queue and definition. */
export type JobRow = Job & {
  jobQueue: { arn: string };
  jobDefinition: { arn: string };
};

export interface ArnContext {
  accountId: string;
}

const ms = (v: bigint | null | undefined): number | undefined =>
  v === null || v === undefined ? undefined : Number(v);
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const status = (s: string): JobStatus => s as JobStatus;

function arraySummaryOf(row: Job): JobSummary["arrayProperties"] {
  if (row.arraySize !== null) return { size: row.arraySize };
  if (row.arrayIndex !== null) return { index: row.arrayIndex };
  return undefined;
}

export function toJobSummary(row: JobRow, ctx: ArnContext, lastReason?: string | null): JobSummary {
  const container =
    row.exitCode !== null || lastReason ? { exitCode: opt(row.exitCode), reason: opt(lastReason) } : undefined;
  return dropUndefined({
    jobArn: jobArn(ctx.accountId, row.id),
    jobId: row.id,
    jobName: row.name,
    jobDefinition: row.jobDefinition.arn,
    status: status(row.status),
    statusReason: opt(row.statusReason),
    shareIdentifier: opt(row.shareIdentifier),
    createdAt: Number(row.createdAt),
    startedAt: ms(row.startedAt),
    stoppedAt: ms(row.stoppedAt),
    container,
    arrayProperties: arraySummaryOf(row),
  });
}

export function toAttemptDetail(a: JobAttempt): AttemptDetail {
  return dropUndefined({
    container: dropUndefined({ exitCode: opt(a.exitCode), reason: opt(a.reason), logStreamName: a.logStreamName }),
    startedAt: ms(a.startedAt),
    stoppedAt: ms(a.stoppedAt),
    statusReason: opt(a.statusReason),
    enforcedLimits: enforcedOf(a.enforcedLimits),
  });
}

function enforcedOf(json: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" && Object.keys(value).length > 0
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** resourceRequirements as AWS reports them, from the resolved amounts. */
export function resourceRequirementsOf(
  c: Pick<ResolvedContainer, "vcpus" | "memoryMiB" | "gpus">,
): ResourceRequirement[] {
  const out: ResourceRequirement[] = [
    { type: "VCPU", value: String(c.vcpus) },
    { type: "MEMORY", value: String(c.memoryMiB) },
  ];
  if (c.gpus > 0) out.push({ type: "GPU", value: String(c.gpus) });
  return out;
}

export interface JobDetailExtras {
  attempts: JobAttempt[];
  dependsOn: DependsOn[];
  /** Array parents: how many children are in each status. */
  statusSummary?: Record<string, number>;
  platformCapabilities?: string[];
}

export function toJobDetail(row: JobRow, ctx: ArnContext, extras: JobDetailExtras): JobDetail {
  const resolved = parseJson<Partial<ResolvedContainer>>(row.container, {});
  const attempts = [...extras.attempts].sort((a, b) => a.attemptNumber - b.attemptNumber);
  const last = attempts.at(-1);
  const container = dropUndefined({
    ...(resolved.extra ?? {}),
    image: resolved.image ?? "",
    command: resolved.command ?? [],
    environment: resolved.environment ?? [],
    resourceRequirements: resourceRequirementsOf({ vcpus: row.vcpus, memoryMiB: row.memoryMiB, gpus: row.gpus }),
    exitCode: opt(row.exitCode),
    reason: opt(last?.reason),
    logStreamName: last?.logStreamName,
  });
  let arrayProperties: JobDetail["arrayProperties"];
  if (row.arraySize !== null) {
    arrayProperties = {
      size: row.arraySize,
      statusSummary: Object.fromEntries(JOB_STATUSES.map((s) => [s, extras.statusSummary?.[s] ?? 0])),
      statusSummaryLastUpdatedAt: Number(row.updatedAt),
    };
  } else if (row.arrayIndex !== null) {
    arrayProperties = { index: row.arrayIndex };
  }
  return dropUndefined({
    jobArn: jobArn(ctx.accountId, row.id),
    jobName: row.name,
    jobId: row.id,
    jobQueue: row.jobQueue.arn,
    status: status(row.status),
    statusReason: opt(row.statusReason),
    shareIdentifier: opt(row.shareIdentifier),
    schedulingPriority: row.schedulingPriority,
    attempts: attempts.map(toAttemptDetail),
    createdAt: Number(row.createdAt),
    startedAt: ms(row.startedAt),
    stoppedAt: ms(row.stoppedAt),
    dependsOn: extras.dependsOn,
    jobDefinition: row.jobDefinition.arn,
    parameters: parseJson<Record<string, string>>(row.parameters, {}),
    container,
    arrayProperties,
    retryStrategy: row.retryStrategy ? parseJson<RetryStrategy | undefined>(row.retryStrategy, undefined) : undefined,
    timeout: row.timeoutSeconds !== null ? { attemptDurationSeconds: row.timeoutSeconds } : undefined,
    tags: parseJson<Record<string, string>>(row.tags, {}),
    propagateTags: row.propagateTags,
    platformCapabilities: extras.platformCapabilities ?? ["EC2"],
    isCancelled: row.stopRequest === "CANCEL",
    isTerminated: row.stopRequest === "TERMINATE",
    consumableResourceProperties: consumableResourcesOf(row.consumableResources),
  });
}

/** The job's consumable resources as AWS reports them; absent when it requires none. */
function consumableResourcesOf(text: string | undefined): ConsumableResourceProperties | undefined {
  const list = parseJson<ConsumableResourceProperties["consumableResourceList"]>(text, []);
  return Array.isArray(list) && list.length > 0 ? { consumableResourceList: list } : undefined;
}

/** AWS omits absent members rather than sending null; so do we. */
function dropUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
