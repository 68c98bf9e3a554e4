// Compute environments, job queues, scheduling policies, job definitions and tags on the AWS
// backend. The requests arrive already validated in AWS's own shapes, so each method is the
// SDK command with the request as it is, the response without the SDK's metadata, and an
// audit entry for every change AWS accepted.
import {
  CreateComputeEnvironmentCommand,
  type CreateComputeEnvironmentCommandInput,
  CreateJobQueueCommand,
  type CreateJobQueueCommandInput,
  CreateSchedulingPolicyCommand,
  type CreateSchedulingPolicyCommandInput,
  DeleteComputeEnvironmentCommand,
  DeleteJobQueueCommand,
  DeleteSchedulingPolicyCommand,
  DeregisterJobDefinitionCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeSchedulingPoliciesCommand,
  GetJobQueueSnapshotCommand,
  ListSchedulingPoliciesCommand,
  ListTagsForResourceCommand,
  type QueueSnapshotUtilizationDetail,
  RegisterJobDefinitionCommand,
  type RegisterJobDefinitionCommandInput,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateComputeEnvironmentCommand,
  type UpdateComputeEnvironmentCommandInput,
  UpdateJobQueueCommand,
  type UpdateJobQueueCommandInput,
  UpdateSchedulingPolicyCommand,
  type UpdateSchedulingPolicyCommandInput,
} from "@aws-sdk/client-batch";
import type { OrgContext } from "@/lib/auth/context";
import { requirePermission } from "@/lib/auth/context";
import type { Permission } from "@/lib/auth/permissions";
import { parseArn } from "@/lib/batch/arn";
import { invalid } from "@/lib/errors";
import type { CapacityUsage, QueueUtilization } from "@/lib/jobs/queue-utilization";
import type { BatchBackend } from "../types";
import { auditAws, callBatch } from "./call";
import type { AwsClients } from "./clients";
import { describeJobs, SUBMITTED_BY_TAG } from "./jobs";

type Methods = Pick<
  BatchBackend,
  | "createComputeEnvironment"
  | "describeComputeEnvironments"
  | "updateComputeEnvironment"
  | "deleteComputeEnvironment"
  | "createJobQueue"
  | "describeJobQueues"
  | "updateJobQueue"
  | "deleteJobQueue"
  | "getJobQueueSnapshot"
  | "createSchedulingPolicy"
  | "describeSchedulingPolicies"
  | "listSchedulingPolicies"
  | "updateSchedulingPolicy"
  | "deleteSchedulingPolicy"
  | "registerJobDefinition"
  | "describeJobDefinitions"
  | "deregisterJobDefinition"
  | "tagResource"
  | "untagResource"
  | "listTagsForResource"
>;

type Records = Record<string, unknown>[];
const EMPTY = {} as Record<string, never>;
const withToken = <T extends object>(body: T, nextToken: string | undefined) =>
  nextToken ? { ...body, nextToken } : body;

const toUsage = (list: { capacityUnit?: string; quantity?: number }[] | undefined): CapacityUsage[] =>
  (list ?? []).map((u) => ({ capacityUnit: u.capacityUnit ?? "", quantity: u.quantity ?? 0 }));

/** AWS's queueUtilization as it came, its parts present when AWS sent them (fair share, quota shares). */
function toQueueUtilization(u: QueueSnapshotUtilizationDetail): QueueUtilization {
  const fair = u.fairshareUtilization;
  const quota = u.quotaShareUtilization;
  return {
    totalCapacityUsage: toUsage(u.totalCapacityUsage),
    ...(fair
      ? {
          fairshareUtilization: {
            activeShareCount: fair.activeShareCount ?? 0,
            topCapacityUtilization: (fair.topCapacityUtilization ?? []).map((s) => ({
              shareIdentifier: s.shareIdentifier ?? "",
              capacityUsage: toUsage(s.capacityUsage),
            })),
          },
        }
      : {}),
    ...(quota
      ? {
          quotaShareUtilization: {
            topCapacityUtilization: (quota.topCapacityUtilization ?? []).map((s) => ({
              quotaShareName: s.quotaShareName ?? "",
              capacityUsage: toUsage(s.capacityUsage),
            })),
          },
        }
      : {}),
    lastUpdatedAt: u.lastUpdatedAt ?? Date.now(),
  };
}

export function awsResourceMethods(clients: AwsClients): Methods {
  const batch = <T extends { $metadata?: unknown }>(send: (c: AwsClients["batch"]) => Promise<T>) =>
    callBatch(clients, send);
  return {
    async createComputeEnvironment(ctx, input) {
      const out = await batch((c) =>
        c.send(new CreateComputeEnvironmentCommand(input as unknown as CreateComputeEnvironmentCommandInput)),
      );
      const result = {
        computeEnvironmentName: out.computeEnvironmentName ?? input.computeEnvironmentName,
        computeEnvironmentArn: out.computeEnvironmentArn ?? "",
      };
      await auditAws(ctx, {
        action: "computeEnvironment.create",
        targetType: "computeEnvironment",
        targetId: result.computeEnvironmentArn,
      });
      return result;
    },
    async describeComputeEnvironments(_ctx, input) {
      const out = await batch((c) => c.send(new DescribeComputeEnvironmentsCommand(input)));
      return withToken({ computeEnvironments: (out.computeEnvironments ?? []) as unknown as Records }, out.nextToken);
    },
    async updateComputeEnvironment(ctx, input) {
      const out = await batch((c) =>
        c.send(new UpdateComputeEnvironmentCommand(input as unknown as UpdateComputeEnvironmentCommandInput)),
      );
      const result = {
        computeEnvironmentName: out.computeEnvironmentName ?? "",
        computeEnvironmentArn: out.computeEnvironmentArn ?? "",
      };
      await auditAws(ctx, {
        action: "computeEnvironment.update",
        targetType: "computeEnvironment",
        targetId: result.computeEnvironmentArn || input.computeEnvironment,
      });
      return result;
    },
    async deleteComputeEnvironment(ctx, input) {
      await batch((c) => c.send(new DeleteComputeEnvironmentCommand(input)));
      await auditAws(ctx, {
        action: "computeEnvironment.delete",
        targetType: "computeEnvironment",
        targetId: input.computeEnvironment,
      });
      return EMPTY;
    },

    async createJobQueue(ctx, input) {
      const out = await batch((c) => c.send(new CreateJobQueueCommand(input as unknown as CreateJobQueueCommandInput)));
      const result = { jobQueueName: out.jobQueueName ?? input.jobQueueName, jobQueueArn: out.jobQueueArn ?? "" };
      await auditAws(ctx, { action: "jobQueue.create", targetType: "jobQueue", targetId: result.jobQueueArn });
      return result;
    },
    async describeJobQueues(_ctx, input) {
      const out = await batch((c) => c.send(new DescribeJobQueuesCommand(input)));
      return withToken({ jobQueues: (out.jobQueues ?? []) as unknown as Records }, out.nextToken);
    },
    async updateJobQueue(ctx, input) {
      const out = await batch((c) => c.send(new UpdateJobQueueCommand(input as unknown as UpdateJobQueueCommandInput)));
      const result = { jobQueueName: out.jobQueueName ?? "", jobQueueArn: out.jobQueueArn ?? "" };
      await auditAws(ctx, {
        action: "jobQueue.update",
        targetType: "jobQueue",
        targetId: result.jobQueueArn || input.jobQueue,
      });
      return result;
    },
    async deleteJobQueue(ctx, input) {
      await batch((c) => c.send(new DeleteJobQueueCommand(input)));
      await auditAws(ctx, { action: "jobQueue.delete", targetType: "jobQueue", targetId: input.jobQueue });
      return EMPTY;
    },
    async getJobQueueSnapshot(_ctx, input) {
      const out = await batch((c) => c.send(new GetJobQueueSnapshotCommand(input)));
      return {
        frontOfQueue: {
          jobs: (out.frontOfQueue?.jobs ?? []).map((j) => ({
            jobArn: j.jobArn ?? "",
            earliestTimeAtPosition: j.earliestTimeAtPosition ?? 0,
          })),
          lastUpdatedAt: out.frontOfQueue?.lastUpdatedAt ?? Date.now(),
        },
        ...(out.queueUtilization ? { queueUtilization: toQueueUtilization(out.queueUtilization) } : {}),
      };
    },

    async createSchedulingPolicy(ctx, input) {
      const out = await batch((c) =>
        c.send(new CreateSchedulingPolicyCommand(input as unknown as CreateSchedulingPolicyCommandInput)),
      );
      const result = { name: out.name ?? input.name, arn: out.arn ?? "" };
      await auditAws(ctx, { action: "schedulingPolicy.create", targetType: "schedulingPolicy", targetId: result.arn });
      return result;
    },
    async describeSchedulingPolicies(_ctx, input) {
      const out = await batch((c) => c.send(new DescribeSchedulingPoliciesCommand(input)));
      return { schedulingPolicies: (out.schedulingPolicies ?? []) as unknown as Records };
    },
    async listSchedulingPolicies(_ctx, input) {
      const out = await batch((c) => c.send(new ListSchedulingPoliciesCommand(input)));
      const schedulingPolicies = (out.schedulingPolicies ?? []).map((p) => ({ arn: p.arn ?? "" }));
      return withToken({ schedulingPolicies }, out.nextToken);
    },
    async updateSchedulingPolicy(ctx, input) {
      await batch((c) =>
        c.send(new UpdateSchedulingPolicyCommand(input as unknown as UpdateSchedulingPolicyCommandInput)),
      );
      await auditAws(ctx, { action: "schedulingPolicy.update", targetType: "schedulingPolicy", targetId: input.arn });
      return EMPTY;
    },
    async deleteSchedulingPolicy(ctx, input) {
      await batch((c) => c.send(new DeleteSchedulingPolicyCommand(input)));
      await auditAws(ctx, { action: "schedulingPolicy.delete", targetType: "schedulingPolicy", targetId: input.arn });
      return EMPTY;
    },

    async registerJobDefinition(ctx, input) {
      const out = await batch((c) =>
        c.send(new RegisterJobDefinitionCommand(input as unknown as RegisterJobDefinitionCommandInput)),
      );
      const result = {
        jobDefinitionName: out.jobDefinitionName ?? input.jobDefinitionName,
        jobDefinitionArn: out.jobDefinitionArn ?? "",
        revision: out.revision ?? 0,
      };
      await auditAws(ctx, {
        action: "jobDefinition.register",
        targetType: "jobDefinition",
        targetId: result.jobDefinitionArn,
      });
      return result;
    },
    async describeJobDefinitions(_ctx, input) {
      const out = await batch((c) => c.send(new DescribeJobDefinitionsCommand(input)));
      return withToken({ jobDefinitions: (out.jobDefinitions ?? []) as unknown as Records }, out.nextToken);
    },
    async deregisterJobDefinition(ctx, input) {
      await batch((c) => c.send(new DeregisterJobDefinitionCommand(input)));
      await auditAws(ctx, {
        action: "jobDefinition.deregister",
        targetType: "jobDefinition",
        targetId: input.jobDefinition,
      });
      return EMPTY;
    },

    async tagResource(ctx, input) {
      const targetType = await requireTagPermission(clients, ctx, input.resourceArn);
      if (SUBMITTED_BY_TAG in input.tags) throw invalid(`Tag key "${SUBMITTED_BY_TAG}" is set by Batchdeck only.`);
      await batch((c) => c.send(new TagResourceCommand(input)));
      await auditAws(ctx, {
        action: `${targetType}.tag`,
        targetType,
        targetId: input.resourceArn,
        details: { tags: input.tags },
      });
      return EMPTY;
    },
    async untagResource(ctx, input) {
      const targetType = await requireTagPermission(clients, ctx, input.resourceArn);
      if (input.tagKeys.includes(SUBMITTED_BY_TAG)) {
        throw invalid(`Tag key "${SUBMITTED_BY_TAG}" is set by Batchdeck only.`);
      }
      await batch((c) => c.send(new UntagResourceCommand(input)));
      await auditAws(ctx, {
        action: `${targetType}.untag`,
        targetType,
        targetId: input.resourceArn,
        details: { tagKeys: input.tagKeys },
      });
      return EMPTY;
    },
    async listTagsForResource(_ctx, input) {
      const out = await batch((c) => c.send(new ListTagsForResourceCommand(input)));
      return { tags: out.tags ?? {} };
    },
  };
}

const TAG_PERMISSIONS = {
  "compute-environment": ["computeEnvironment", "computeEnvironments.manage"],
  "job-queue": ["jobQueue", "jobQueues.manage"],
  "scheduling-policy": ["schedulingPolicy", "schedulingPolicies.manage"],
  "consumable-resource": ["consumableResource", "consumableResources.manage"],
  "job-definition": ["jobDefinition", "jobDefinitions.manage"],
} as const satisfies Record<string, readonly [string, Permission]>;

/**
 * Changing tags needs the permission that manages the resource, as on the built-in backend: a
 * job's tags its submitter (by the ownership tag) or a manager; anything else its managers.
 */
async function requireTagPermission(clients: AwsClients, ctx: OrgContext, arn: string): Promise<string> {
  const parsed = parseArn(arn);
  if (!parsed) throw invalid(`${arn} is not a valid AWS Batch resource ARN.`);
  if (parsed.resourceType !== "job") {
    const [targetType, permission] = TAG_PERMISSIONS[parsed.resourceType];
    requirePermission(ctx, permission);
    return targetType;
  }
  const { jobs } = await describeJobs(clients, [parsed.name]);
  const own = jobs[0]?.tags[SUBMITTED_BY_TAG] === ctx.user.id;
  requirePermission(ctx, own ? "jobs.stopOwn" : "jobs.stopAny");
  return "job";
}
