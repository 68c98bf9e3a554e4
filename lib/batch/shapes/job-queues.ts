// CreateJobQueue / UpdateJobQueue / DescribeJobQueues / DeleteJobQueue as AWS shapes them.
// Service environments (SageMaker Training queues) do not exist on the built-in backend, so
// the fields that need them are refused with a message rather than silently dropped.
import { z } from "zod";
import { resourceName } from "../names";
import { TRANSITIONS } from "../states";
import { awsEnum, awsInt, awsList, awsString, compact, quoteValue, requestSizeProblem, safeJson } from "./common";
import { type Tags, tagsSchema } from "./tags";

export const JQ_STATES = ["ENABLED", "DISABLED"] as const;
export const JQ_TYPES = ["ECS", "ECS_FARGATE", "EKS", "SAGEMAKER_TRAINING"] as const;
/** AWS's per-Region quota, kept per organization. */
export const MAX_JOB_QUEUES = 50;
export const MAX_COMPUTE_ENVIRONMENTS_PER_QUEUE = 3;
/** AWS documents no cap; this one only keeps a malformed request from storing a huge list. */
export const MAX_TIME_LIMIT_ACTIONS = 10;
/** statusReason of jobs that were still waiting in a queue when it was deleted. */
export const JOB_QUEUE_DELETED_REASON = "Job queue deleted";

export const computeEnvironmentOrderSchema = awsList(
  "computeEnvironmentOrder",
  z.object({
    order: awsInt("computeEnvironmentOrder.order", 0),
    computeEnvironment: z
      .string({ message: "computeEnvironmentOrder.computeEnvironment (a name or ARN) is required." })
      .min(1, "computeEnvironmentOrder.computeEnvironment (a name or ARN) is required."),
  }),
  MAX_COMPUTE_ENVIRONMENTS_PER_QUEUE,
  1,
).superRefine((entries, ctx) => {
  const orders = entries.map((e) => e.order);
  if (new Set(orders).size !== orders.length) {
    ctx.addIssue({ code: "custom", message: "computeEnvironmentOrder entries must have distinct order values." });
  }
  const ces = entries.map((e) => e.computeEnvironment);
  if (new Set(ces).size !== ces.length) {
    ctx.addIssue({ code: "custom", message: "A compute environment can appear only once in computeEnvironmentOrder." });
  }
});

export const jobStateTimeLimitActionSchema = z.object({
  reason: awsString("jobStateTimeLimitActions.reason", 1024, 1),
  // The one state AWS allows: the state the engine's timeLimitCancel move takes jobs from.
  state: awsEnum("jobStateTimeLimitActions.state", TRANSITIONS.timeLimitCancel.from),
  maxTimeSeconds: awsInt("jobStateTimeLimitActions.maxTimeSeconds", 600, 86400),
  action: z.string({ message: "jobStateTimeLimitActions.action is required." }).superRefine((action, ctx) => {
    if (action === "CANCEL") return;
    ctx.addIssue({
      code: "custom",
      message:
        action === "TERMINATE"
          ? "jobStateTimeLimitActions.action TERMINATE applies only to SageMaker Training queues; use CANCEL."
          : `Value ${quoteValue(action)} at 'jobStateTimeLimitActions.action' failed to satisfy constraint: Member must satisfy enum value set: [CANCEL]`,
    });
  }),
});

const timeLimitActionsSchema = awsList(
  "jobStateTimeLimitActions",
  jobStateTimeLimitActionSchema,
  MAX_TIME_LIMIT_ACTIONS,
);

export type JobStateTimeLimitAction = z.infer<typeof jobStateTimeLimitActionSchema>;

function checkQueueSize(input: object, ctx: z.RefinementCtx) {
  const tooBig = requestSizeProblem(input);
  if (tooBig) ctx.addIssue({ code: "custom", message: tooBig });
}

const ON_AWS = "organizations on the AWS Batch backend can use it";

/** What only AWS runs: service environments (SageMaker Training queues). */
function checkBuiltinQueue(input: { serviceEnvironmentOrder?: unknown; jobQueueType?: string }, ctx: z.RefinementCtx) {
  if (input.serviceEnvironmentOrder !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["serviceEnvironmentOrder"],
      message: `serviceEnvironmentOrder is not supported by the built-in backend, which has no service environments; use computeEnvironmentOrder (${ON_AWS}).`,
    });
  }
  if (input.jobQueueType === "SAGEMAKER_TRAINING") {
    ctx.addIssue({
      code: "custom",
      path: ["jobQueueType"],
      message: `jobQueueType SAGEMAKER_TRAINING is not supported by the built-in backend, which cannot run SageMaker Training jobs (${ON_AWS}).`,
    });
  }
}

const priority = awsInt("priority", 0, 2_147_483_647);
const queueRef = (field: string) =>
  z.string({ message: `${field} (a name or ARN) is required.` }).min(1, `${field} (a name or ARN) is required.`);

const createJobQueueShape = {
  jobQueueName: resourceName("jobQueueName"),
  state: awsEnum("state", JQ_STATES).optional(),
  schedulingPolicyArn: z.string().min(1, "schedulingPolicyArn must not be empty.").optional(),
  priority,
  computeEnvironmentOrder: computeEnvironmentOrderSchema,
  jobStateTimeLimitActions: timeLimitActionsSchema.optional(),
  jobQueueType: awsEnum("jobQueueType", JQ_TYPES).optional(),
  serviceEnvironmentOrder: z.unknown().optional(),
  tags: tagsSchema.optional(),
};

const updateJobQueueShape = {
  jobQueue: queueRef("jobQueue"),
  state: awsEnum("state", JQ_STATES).optional(),
  schedulingPolicyArn: z.string().min(1, "schedulingPolicyArn must not be empty.").optional(),
  priority: priority.optional(),
  computeEnvironmentOrder: computeEnvironmentOrderSchema.optional(),
  jobStateTimeLimitActions: timeLimitActionsSchema.optional(),
  serviceEnvironmentOrder: z.unknown().optional(),
};

/**
 * The queue fields as AWS accepts them on a SageMaker Training queue too: its jobs wait on
 * service environments rather than compute environments, and its time limits may TERMINATE.
 * AWS validates the rest.
 */
const awsQueueFields = {
  computeEnvironmentOrder: computeEnvironmentOrderSchema.optional(),
  jobStateTimeLimitActions: z.array(z.unknown()).optional(),
};

export const createJobQueueInput = z
  .looseObject(createJobQueueShape)
  .superRefine(checkQueueSize)
  .superRefine(checkBuiltinQueue);

export const createJobQueueAwsInput = z
  .looseObject({ ...createJobQueueShape, ...awsQueueFields })
  .superRefine(checkQueueSize);

export const updateJobQueueInput = z
  .looseObject(updateJobQueueShape)
  .superRefine(checkQueueSize)
  .superRefine(checkBuiltinQueue);

export const updateJobQueueAwsInput = z
  .looseObject({ ...updateJobQueueShape, ...awsQueueFields })
  .superRefine(checkQueueSize);

export const describeJobQueuesInput = z.object({
  jobQueues: awsList("jobQueues", z.string(), 100).optional(),
  maxResults: awsInt("maxResults", 1, 100).optional(),
  nextToken: z.string().optional(),
});

export const deleteJobQueueInput = z.object({ jobQueue: queueRef("jobQueue") });

export type CreateJobQueueInput = z.infer<typeof createJobQueueInput>;
export type UpdateJobQueueInput = z.infer<typeof updateJobQueueInput>;
export type DescribeJobQueuesInput = z.infer<typeof describeJobQueuesInput>;
export type DeleteJobQueueInput = z.infer<typeof deleteJobQueueInput>;

const OWN_COLUMNS = new Set([
  "jobQueueName",
  "jobQueue",
  "state",
  "schedulingPolicyArn",
  "priority",
  "computeEnvironmentOrder",
  "jobStateTimeLimitActions",
  "serviceEnvironmentOrder",
  "tags",
]);

/** Request fields without a column of their own (jobQueueType, unknown fields), for `spec`. */
export function jobQueueSpecOf(input: Record<string, unknown>): Record<string, unknown> {
  return compact(Object.fromEntries(Object.entries(input).filter(([k]) => !OWN_COLUMNS.has(k))));
}

export interface JobQueueRowWithLinks {
  name: string;
  arn: string;
  state: string;
  status: string;
  statusReason: string | null;
  priority: number;
  jobStateTimeLimitActions: string;
  spec: string;
  tags: string;
  schedulingPolicy: { arn: string } | null;
  computeEnvironments: { order: number; computeEnvironment: { arn: string } }[];
}

/** JobQueueDetail as DescribeJobQueues returns it. */
export function jobQueueDetail(row: JobQueueRowWithLinks): Record<string, unknown> {
  const spec = safeJson<Record<string, unknown>>(row.spec, {});
  return compact({
    ...spec,
    jobQueueName: row.name,
    jobQueueArn: row.arn,
    state: row.state,
    status: row.status,
    statusReason: row.statusReason ?? undefined,
    priority: row.priority,
    schedulingPolicyArn: row.schedulingPolicy?.arn,
    computeEnvironmentOrder: [...row.computeEnvironments]
      .sort((a, b) => a.order - b.order)
      .map((l) => ({ order: l.order, computeEnvironment: l.computeEnvironment.arn })),
    jobStateTimeLimitActions: safeJson<JobStateTimeLimitAction[]>(row.jobStateTimeLimitActions, []),
    jobQueueType: typeof spec.jobQueueType === "string" ? spec.jobQueueType : "ECS",
    tags: safeJson<Tags>(row.tags, {}),
  });
}
