// RegisterJobDefinition / DescribeJobDefinitions / DeregisterJobDefinition as AWS shapes them.
// The built-in engine runs `container` definitions; containerProperties fields it has no use
// for (jobRoleArn, logConfiguration, …) are accepted, stored and returned. The execution fields
// the container executor honours (user, volumes, ulimits, …) are validated as AWS validates
// them (../container-settings.ts).
import { z } from "zod";
import { checkContainerExecution, containerExecutionShape } from "../container-settings";
import { resourceName } from "../names";
import { isValidExitCodePattern, isValidReasonPattern } from "../retry";
import {
  awsEnum,
  awsInt,
  awsList,
  awsString,
  compact,
  jsonByteLength,
  MAX_STORED_NESTING,
  safeJson,
  stringMap,
} from "./common";
import { consumableResourcePropertiesSchema } from "./consumable-resources";
import { type Tags, tagsSchema } from "./tags";

/** AWS's cap on a RegisterJobDefinition request. */
export const MAX_JOB_DEFINITION_BYTES = 24 * 1024;
export const JD_STATUSES = ["ACTIVE", "INACTIVE"] as const;

const positiveNumber = /^(?:\d+\.?\d*|\.\d+)$/;

export const resourceRequirementSchema = z
  .object({
    type: awsEnum("resourceRequirements.type", ["GPU", "VCPU", "MEMORY"]),
    value: z.string({ message: 'resourceRequirements.value must be a string, such as "1" or "2048".' }),
  })
  .superRefine((r, ctx) => {
    const n = positiveNumber.test(r.value) ? Number(r.value) : Number.NaN;
    const problem =
      r.type === "VCPU"
        ? !(n > 0) && `VCPU value "${r.value}" must be a positive number of vCPUs, such as "1" or "0.5".`
        : r.type === "MEMORY"
          ? !(Number.isInteger(n) && n >= 4) && `MEMORY value "${r.value}" must be a whole number of MiB, at least 4.`
          : !(Number.isInteger(n) && n >= 0) && `GPU value "${r.value}" must be a whole number of GPUs.`;
    if (problem) ctx.addIssue({ code: "custom", path: ["value"], message: problem });
  });

const environmentSchema = z
  .object({
    name: z.string({ message: "environment entries need a name." }).min(1, "environment names must not be empty."),
    value: z.string({ message: "environment values must be strings." }),
  })
  .refine((e) => !e.name.startsWith("AWS_BATCH"), {
    message: "Environment variable names starting with AWS_BATCH are reserved for variables set by AWS Batch.",
  });

export const containerPropertiesSchema = z
  .looseObject({
    ...containerExecutionShape,
    image: awsString("containerProperties.image", 255, 1),
    command: z.array(z.string({ message: "containerProperties.command entries must be strings." })).optional(),
    environment: z.array(environmentSchema).optional(),
    resourceRequirements: awsList("containerProperties.resourceRequirements", resourceRequirementSchema, 3)
      .refine((list) => new Set(list.map((r) => r.type)).size === list.length, {
        message: "containerProperties.resourceRequirements can name each of VCPU, MEMORY and GPU only once.",
      })
      .optional(),
    /** Deprecated by AWS in favour of resourceRequirements; still accepted. */
    vcpus: awsInt("containerProperties.vcpus", 1).optional(),
    memory: awsInt("containerProperties.memory", 4).optional(),
  })
  .superRefine(checkContainerExecution);

const reasonGlob = (field: string) =>
  z.string().refine(isValidReasonPattern, {
    message: `${field} must be 1–512 letters, numbers, periods, colons and spaces, optionally ending in *.`,
  });

export const evaluateOnExitSchema = z.object({
  onStatusReason: reasonGlob("evaluateOnExit.onStatusReason").optional(),
  onReason: reasonGlob("evaluateOnExit.onReason").optional(),
  onExitCode: z
    .string()
    .refine(isValidExitCodePattern, {
      message: "evaluateOnExit.onExitCode must be 1–512 digits, optionally ending in *.",
    })
    .optional(),
  // AWS accepts the action in any case and reports it upper-cased.
  action: z
    .string({ message: "evaluateOnExit.action is required (RETRY or EXIT)." })
    .transform((a) => a.toUpperCase())
    .pipe(awsEnum("evaluateOnExit.action", ["RETRY", "EXIT"])),
});

export const retryStrategySchema = z
  .object({
    attempts: awsInt("retryStrategy.attempts", 1, 10).optional(),
    evaluateOnExit: awsList("retryStrategy.evaluateOnExit", evaluateOnExitSchema, 5).optional(),
  })
  .refine((r) => r.evaluateOnExit === undefined || r.attempts !== undefined, {
    message: "retryStrategy.attempts must be set when retryStrategy.evaluateOnExit is.",
  });

export const timeoutSchema = z.object({
  attemptDurationSeconds: awsInt("timeout.attemptDurationSeconds", 60).optional(),
});

const UNSUPPORTED_PROPERTIES = ["nodeProperties", "ecsProperties", "eksProperties"] as const;
const ON_AWS = "organizations on the AWS Batch backend can register it";

const registerJobDefinitionShape = {
  jobDefinitionName: resourceName("jobDefinitionName"),
  type: awsEnum("type", ["container", "multinode"]),
  parameters: stringMap("parameters").optional(),
  schedulingPriority: awsInt("schedulingPriority", 0, 9999).optional(),
  containerProperties: containerPropertiesSchema.optional(),
  retryStrategy: retryStrategySchema.optional(),
  propagateTags: z.boolean({ message: "propagateTags must be true or false." }).optional(),
  timeout: timeoutSchema.optional(),
  tags: tagsSchema.optional(),
  platformCapabilities: awsList(
    "platformCapabilities",
    awsEnum("platformCapabilities", ["EC2", "FARGATE"]),
    2,
  ).optional(),
  // Stored in `spec` with the other fields without a column; SubmitJob resolves the names.
  consumableResourceProperties: consumableResourcePropertiesSchema.optional(),
};

function checkDefinitionSize(input: Record<string, unknown>, ctx: z.RefinementCtx) {
  const size = jsonByteLength(input);
  if (size === null) {
    ctx.addIssue({
      code: "custom",
      message: `The job definition is nested too deeply to store: at most ${MAX_STORED_NESTING} levels.`,
    });
  } else if (size > MAX_JOB_DEFINITION_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `A job definition can be at most ${MAX_JOB_DEFINITION_BYTES} bytes (24 KiB); this one is ${size}.`,
    });
  }
}

/**
 * RegisterJobDefinition as AWS accepts it: multi-node, ECS-properties and EKS definitions
 * included. An organization on the AWS backend sends this to AWS, which validates the rest.
 */
export const registerJobDefinitionAwsInput = z
  .looseObject({
    ...registerJobDefinitionShape,
    nodeProperties: z.unknown().optional(),
    ecsProperties: z.unknown().optional(),
    eksProperties: z.unknown().optional(),
  })
  .superRefine(checkDefinitionSize);

/** What the built-in engine runs: container definitions only, the others refused by name. */
export const registerJobDefinitionInput = registerJobDefinitionAwsInput.superRefine((input, ctx) => {
  if (input.type === "multinode") {
    ctx.addIssue({
      code: "custom",
      path: ["type"],
      message: `Multi-node parallel (multinode) job definitions are not supported by the built-in backend, which cannot run them; use type container (organizations on the AWS Batch backend can register them).`,
    });
    return;
  }
  for (const field of UNSUPPORTED_PROPERTIES) {
    if (input[field] !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `${field} is not supported by the built-in backend, which cannot run it; describe the container in containerProperties (${ON_AWS}).`,
      });
    }
  }
  if (!input.containerProperties) {
    ctx.addIssue({
      code: "custom",
      path: ["containerProperties"],
      message: "containerProperties is required for a job definition of type container.",
    });
  }
});

const refsList = awsList("jobDefinitions", z.string().min(1, "jobDefinitions entries must not be empty."), 100);

export const describeJobDefinitionsInput = z
  .object({
    jobDefinitions: refsList.optional(),
    jobDefinitionName: z.string().min(1, "jobDefinitionName must not be empty.").optional(),
    status: awsEnum("status", JD_STATUSES).optional(),
    maxResults: awsInt("maxResults", 1, 100).optional(),
    nextToken: z.string().optional(),
  })
  .refine((i) => !(i.jobDefinitions?.length && (i.jobDefinitionName !== undefined || i.status !== undefined)), {
    message: "jobDefinitions can't be used together with jobDefinitionName or status.",
  });

export const deregisterJobDefinitionInput = z.object({
  jobDefinition: z
    .string({ message: "jobDefinition (name:revision or ARN) is required." })
    .min(1, "jobDefinition (name:revision or ARN) is required."),
});

export type RegisterJobDefinitionInput = z.infer<typeof registerJobDefinitionInput>;
export type DescribeJobDefinitionsInput = z.infer<typeof describeJobDefinitionsInput>;
export type DeregisterJobDefinitionInput = z.infer<typeof deregisterJobDefinitionInput>;

const OWN_COLUMNS = new Set([
  "jobDefinitionName",
  "type",
  "parameters",
  "schedulingPriority",
  "containerProperties",
  "retryStrategy",
  "propagateTags",
  "timeout",
  "tags",
  "platformCapabilities",
]);

/** Top-level fields without a column of their own (consumableResourceProperties, …), for `spec`. */
export function jobDefinitionSpecOf(input: Record<string, unknown>): Record<string, unknown> {
  return compact(Object.fromEntries(Object.entries(input).filter(([k]) => !OWN_COLUMNS.has(k))));
}

export interface JobDefinitionRowLike {
  name: string;
  arn: string;
  revision: number;
  status: string;
  type: string;
  containerProperties: string;
  parameters: string;
  retryStrategy: string | null;
  timeout: string | null;
  schedulingPriority: number | null;
  propagateTags: boolean;
  platformCapabilities: string;
  spec: string;
  tags: string;
}

/** JobDefinition as DescribeJobDefinitions returns it. */
export function jobDefinitionDetail(row: JobDefinitionRowLike): Record<string, unknown> {
  const platformCapabilities = safeJson<string[]>(row.platformCapabilities, []);
  return compact({
    ...safeJson<Record<string, unknown>>(row.spec, {}),
    jobDefinitionName: row.name,
    jobDefinitionArn: row.arn,
    revision: row.revision,
    status: row.status,
    type: row.type,
    schedulingPriority: row.schedulingPriority ?? undefined,
    parameters: safeJson<Record<string, string>>(row.parameters, {}),
    retryStrategy: row.retryStrategy ? safeJson<unknown>(row.retryStrategy, undefined) : undefined,
    containerProperties: safeJson<Record<string, unknown>>(row.containerProperties, {}),
    timeout: row.timeout ? safeJson<unknown>(row.timeout, undefined) : undefined,
    propagateTags: row.propagateTags,
    platformCapabilities: platformCapabilities.length ? platformCapabilities : undefined,
    containerOrchestrationType: "ECS",
    tags: safeJson<Tags>(row.tags, {}),
  });
}
