// CreateComputeEnvironment / UpdateComputeEnvironment / DescribeComputeEnvironments as AWS
// shapes them. Fields that mean nothing on this host (subnets, instance types, roles, launch
// templates, …) are accepted as given, stored in the `spec` column and returned unchanged.
//
// On the built-in engine a compute environment is a slice of the host:
//   maxVcpus  = computeResources.maxvCpus (MANAGED) or unmanagedvCpus (UNMANAGED),
//               the host's CPU count when neither is given;
//   memoryMiB = tag "batchdeck:memoryMiB", else the host's memory;
//   gpuIds    = tag "batchdeck:gpuIds" (comma-separated device ids), else none;
//   what its jobs may do (executor, privileged, host paths, devices, …) = the tags of
//   ../executor-policy.ts.
// Memory and GPUs travel as tags because the AWS CLI and SDKs refuse to send fields AWS does
// not know, and tags are the one free-form map every AWS client can set.
import { z } from "zod";
import { executorTagProblems } from "../executor-policy";
import { resourceName } from "../names";
import { awsEnum, awsInt, awsList, awsString, compact, requestSizeProblem, safeJson } from "./common";
import { type Tags, tagsSchema } from "./tags";

export const CE_TYPES = ["MANAGED", "UNMANAGED"] as const;
export const CE_STATES = ["ENABLED", "DISABLED"] as const;
export const CR_TYPES = ["EC2", "SPOT", "FARGATE", "FARGATE_SPOT"] as const;
export const CR_ALLOCATION_STRATEGIES = [
  "BEST_FIT",
  "BEST_FIT_PROGRESSIVE",
  "BEST_FIT_PROGRESSIVE_ORDERED",
  "SPOT_CAPACITY_OPTIMIZED",
  "SPOT_PRICE_CAPACITY_OPTIMIZED",
  "SPOT_CAPACITY_OPTIMIZED_PRIORITIZED",
] as const;
/** AWS's update shape leaves BEST_FIT out: a CE cannot be switched to it after creation. */
export const CR_UPDATE_ALLOCATION_STRATEGIES = CR_ALLOCATION_STRATEGIES.filter((s) => s !== "BEST_FIT") as [
  string,
  ...string[],
];
/** AWS's per-Region quota, kept per organization. */
export const MAX_COMPUTE_ENVIRONMENTS = 50;

export const MEMORY_TAG = "batchdeck:memoryMiB";
export const GPU_IDS_TAG = "batchdeck:gpuIds";

const stringList = (field: string) => z.array(z.string({ message: `${field} entries must be strings.` }));

const computeResourceFields = {
  minvCpus: awsInt("computeResources.minvCpus", 0).optional(),
  maxvCpus: awsInt("computeResources.maxvCpus", 0).optional(),
  desiredvCpus: awsInt("computeResources.desiredvCpus", 0).optional(),
  instanceTypes: stringList("computeResources.instanceTypes").optional(),
  subnets: stringList("computeResources.subnets").optional(),
  securityGroupIds: stringList("computeResources.securityGroupIds").optional(),
  bidPercentage: awsInt("computeResources.bidPercentage", 0, 100).optional(),
  tags: z.record(z.string(), z.string()).optional(),
};

const computeResourceSchema = z
  .looseObject({
    ...computeResourceFields,
    type: awsEnum("computeResources.type", CR_TYPES),
    maxvCpus: awsInt("computeResources.maxvCpus", 0),
    allocationStrategy: awsEnum("computeResources.allocationStrategy", CR_ALLOCATION_STRATEGIES).optional(),
  })
  .superRefine((cr, ctx) => checkVcpuOrder(cr, ctx));

const computeResourceUpdateSchema = z.looseObject({
  ...computeResourceFields,
  type: awsEnum("computeResources.type", CR_TYPES).optional(),
  allocationStrategy: awsEnum("computeResources.allocationStrategy", CR_UPDATE_ALLOCATION_STRATEGIES).optional(),
});

type VcpuFields = { minvCpus?: number; maxvCpus?: number; desiredvCpus?: number };

function checkVcpuOrder(cr: VcpuFields, ctx: z.RefinementCtx) {
  for (const problem of vcpuOrderProblems(cr)) ctx.addIssue({ code: "custom", message: problem });
}

export function vcpuOrderProblems({ minvCpus, maxvCpus, desiredvCpus }: VcpuFields): string[] {
  const out: string[] = [];
  if (minvCpus !== undefined && maxvCpus !== undefined && minvCpus > maxvCpus) {
    out.push(`computeResources.minvCpus (${minvCpus}) must not be greater than maxvCpus (${maxvCpus}).`);
  }
  if (desiredvCpus !== undefined && maxvCpus !== undefined && desiredvCpus > maxvCpus) {
    out.push(`computeResources.desiredvCpus (${desiredvCpus}) must not be greater than maxvCpus (${maxvCpus}).`);
  }
  if (desiredvCpus !== undefined && minvCpus !== undefined && desiredvCpus < minvCpus) {
    out.push(`computeResources.desiredvCpus (${desiredvCpus}) must not be less than minvCpus (${minvCpus}).`);
  }
  return out;
}

const updatePolicySchema = z.looseObject({
  terminateJobsOnUpdate: z.boolean({ message: "updatePolicy.terminateJobsOnUpdate must be true or false." }).optional(),
  jobExecutionTimeoutMinutes: awsInt("updatePolicy.jobExecutionTimeoutMinutes", 1, 7200).optional(),
});

const eksConfigurationSchema = z.looseObject({
  eksClusterArn: awsString("eksConfiguration.eksClusterArn", 2048, 1),
  kubernetesNamespace: awsString("eksConfiguration.kubernetesNamespace", 63, 1),
});

export const createComputeEnvironmentInput = z
  .looseObject({
    computeEnvironmentName: resourceName("computeEnvironmentName"),
    type: awsEnum("type", CE_TYPES),
    state: awsEnum("state", CE_STATES).optional(),
    unmanagedvCpus: awsInt("unmanagedvCpus", 0).optional(),
    computeResources: computeResourceSchema.optional(),
    serviceRole: awsString("serviceRole", 2048).optional(),
    updatePolicy: updatePolicySchema.optional(),
    eksConfiguration: eksConfigurationSchema.optional(),
    context: z.string().optional(),
    tags: tagsSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.type === "UNMANAGED" && input.computeResources) {
      ctx.addIssue({
        code: "custom",
        path: ["computeResources"],
        message: "computeResources can't be specified for an UNMANAGED compute environment.",
      });
    }
    if (input.type === "MANAGED" && input.unmanagedvCpus !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["unmanagedvCpus"],
        message: "unmanagedvCpus can only be specified for an UNMANAGED compute environment.",
      });
    }
    const tooBig = requestSizeProblem(input);
    if (tooBig) ctx.addIssue({ code: "custom", message: tooBig });
    for (const problem of builtinTagProblems(input.tags ?? {})) {
      ctx.addIssue({ code: "custom", path: ["tags"], message: problem });
    }
  });

export const updateComputeEnvironmentInput = z
  .looseObject({
    computeEnvironment: z
      .string({ message: "computeEnvironment (a name or ARN) is required." })
      .min(1, "computeEnvironment (a name or ARN) is required."),
    state: awsEnum("state", CE_STATES).optional(),
    unmanagedvCpus: awsInt("unmanagedvCpus", 0).optional(),
    computeResources: computeResourceUpdateSchema.optional(),
    serviceRole: awsString("serviceRole", 2048).optional(),
    updatePolicy: updatePolicySchema.optional(),
    context: z.string().optional(),
  })
  .superRefine((input, ctx) => {
    const tooBig = requestSizeProblem(input);
    if (tooBig) ctx.addIssue({ code: "custom", message: tooBig });
  });

export const describeComputeEnvironmentsInput = z.object({
  computeEnvironments: awsList("computeEnvironments", z.string(), 100).optional(),
  maxResults: awsInt("maxResults", 1, 100).optional(),
  nextToken: z.string().optional(),
});

export const deleteComputeEnvironmentInput = z.object({
  computeEnvironment: z
    .string({ message: "computeEnvironment (a name or ARN) is required." })
    .min(1, "computeEnvironment (a name or ARN) is required."),
});

export type CreateComputeEnvironmentInput = z.infer<typeof createComputeEnvironmentInput>;
export type UpdateComputeEnvironmentInput = z.infer<typeof updateComputeEnvironmentInput>;
export type DescribeComputeEnvironmentsInput = z.infer<typeof describeComputeEnvironmentsInput>;
export type DeleteComputeEnvironmentInput = z.infer<typeof deleteComputeEnvironmentInput>;

/** Request fields that have their own column; everything else goes to `spec`. */
const OWN_COLUMNS = new Set(["computeEnvironmentName", "computeEnvironment", "type", "state", "tags"]);

export function specOf(input: Record<string, unknown>): Record<string, unknown> {
  return compact(Object.fromEntries(Object.entries(input).filter(([k]) => !OWN_COLUMNS.has(k))));
}

// ─── Built-in capacity ───────────────────────────────────────────────────────

export interface HostCapacity {
  cpus: number;
  memoryMiB: number;
}

export interface BuiltinCapacity {
  maxVcpus: number;
  memoryMiB: number;
  gpuIds: string[];
}

export function capacityTagProblems(tags: Tags): string[] {
  const out: string[] = [];
  const memory = tags[MEMORY_TAG];
  if (memory !== undefined && !/^[1-9]\d{0,8}$/.test(memory)) {
    out.push(`Tag ${MEMORY_TAG} must be a whole number of MiB greater than 0 (got "${memory}").`);
  }
  const gpus = tags[GPU_IDS_TAG];
  if (gpus !== undefined && gpus.trim() !== "" && gpus.split(",").some((id) => id.trim() === "")) {
    out.push(`Tag ${GPU_IDS_TAG} must be a comma-separated list of GPU ids without empty entries (got "${gpus}").`);
  }
  return out;
}

/**
 * Every built-in tag's problems: capacity (above) and what jobs may do (../executor-policy.ts).
 * Checked wherever an environment's tags are written: create, the console's edit, TagResource.
 */
export function builtinTagProblems(tags: Tags): string[] {
  return [...capacityTagProblems(tags), ...executorTagProblems(tags)];
}

export function gpuIdsFromTag(value: string | undefined): string[] {
  if (value === undefined || value.trim() === "") return [];
  return [...new Set(value.split(",").map((id) => id.trim()))];
}

/** What the built-in engine may hand out on this CE, from its AWS shape and tags. */
export function builtinCapacity(
  ce: { type: string; spec: { computeResources?: { maxvCpus?: number }; unmanagedvCpus?: number }; tags: Tags },
  host: HostCapacity,
): BuiltinCapacity {
  const vcpus = ce.type === "UNMANAGED" ? ce.spec.unmanagedvCpus : ce.spec.computeResources?.maxvCpus;
  const memory = ce.tags[MEMORY_TAG];
  return {
    maxVcpus: vcpus ?? host.cpus,
    memoryMiB: memory !== undefined && /^[1-9]\d*$/.test(memory) ? Number(memory) : host.memoryMiB,
    gpuIds: gpuIdsFromTag(ce.tags[GPU_IDS_TAG]),
  };
}

// ─── Responses ───────────────────────────────────────────────────────────────

export interface ComputeEnvironmentRowLike {
  id: string;
  name: string;
  arn: string;
  type: string;
  state: string;
  status: string;
  statusReason: string | null;
  spec: string;
  tags: string;
}

/** ComputeEnvironmentDetail as DescribeComputeEnvironments returns it. */
export function computeEnvironmentDetail(row: ComputeEnvironmentRowLike): Record<string, unknown> {
  const spec = safeJson<Record<string, unknown>>(row.spec, {});
  return compact({
    ...spec,
    computeEnvironmentName: row.name,
    computeEnvironmentArn: row.arn,
    uuid: row.id,
    type: row.type,
    state: row.state,
    status: row.status,
    statusReason: row.statusReason ?? undefined,
    containerOrchestrationType: spec.eksConfiguration ? "EKS" : "ECS",
    tags: safeJson<Tags>(row.tags, {}),
  });
}
