// TagResource, UntagResource and ListTagsForResource name their resource by ARN alone. This
// finds the row behind any taggable Batch ARN of the organization and knows how to write its
// tags back; an ARN of another account, or of nothing, reads as "does not exist".

import type { Permission } from "@/lib/auth/permissions";
import { type ArnResourceType, parseArn } from "@/lib/batch/arn";
import { safeJson } from "@/lib/batch/shapes/common";
import { builtinCapacity, builtinTagProblems, GPU_IDS_TAG, MEMORY_TAG } from "@/lib/batch/shapes/compute-environments";
import type { Tags } from "@/lib/batch/shapes/tags";
import type { DbOrTx, Tx } from "@/lib/db";
import { invalid } from "@/lib/errors";
import { accountIdOf } from "../account";
import { hostCapacity } from "../compute-environments/host";
import { doesNotExist } from "../refs";

export interface TagTarget {
  /** Audit target type and action prefix: computeEnvironment, jobQueue, … */
  targetType: string;
  /** Who may change these tags: the permission that manages the resource itself. */
  permission: (userId: string) => Permission;
  arn: string;
  tags: Tags;
  save(tx: Tx, tags: Tags): Promise<void>;
}

const TARGET_TYPES: Record<ArnResourceType, string> = {
  "compute-environment": "computeEnvironment",
  "job-queue": "jobQueue",
  "scheduling-policy": "schedulingPolicy",
  "consumable-resource": "consumableResource",
  "job-definition": "jobDefinition",
  job: "job",
};

export async function findTagTarget(db: DbOrTx, organizationId: string, arn: string): Promise<TagTarget> {
  const parsed = parseArn(arn);
  if (!parsed) throw invalid(`${arn} is not a valid AWS Batch resource ARN.`);
  if (parsed.accountId !== (await accountIdOf(db, organizationId))) throw doesNotExist(arn);
  const targetType = TARGET_TYPES[parsed.resourceType];
  const { name } = parsed;
  switch (parsed.resourceType) {
    case "compute-environment": {
      const row = await db.computeEnvironment.findUnique({ where: { organizationId_name: { organizationId, name } } });
      if (!row) throw doesNotExist(arn);
      return {
        targetType,
        permission: () => "computeEnvironments.manage",
        arn: row.arn,
        tags: safeJson<Tags>(row.tags, {}),
        async save(tx, tags) {
          // The built-in capacity tags are part of what the engine may hand out, so the
          // columns it reads change with them; the executor tags say what jobs may do there.
          const problems = builtinTagProblems(tags);
          if (problems[0]) throw invalid(problems[0]);
          const capacity = builtinCapacity(
            { type: row.type, spec: safeJson(row.spec, {}), tags: pick(tags, [MEMORY_TAG, GPU_IDS_TAG]) },
            await hostCapacity(tx),
          );
          await tx.computeEnvironment.update({
            where: { id: row.id },
            data: {
              tags: JSON.stringify(tags),
              memoryMiB: capacity.memoryMiB,
              gpuIds: JSON.stringify(capacity.gpuIds),
            },
          });
        },
      };
    }
    case "job-queue": {
      const row = await db.jobQueue.findUnique({
        where: { organizationId_liveName: { organizationId, liveName: name } },
      });
      if (!row) throw doesNotExist(arn);
      return simple(targetType, "jobQueues.manage", row, (tx, tags) =>
        tx.jobQueue.update({ where: { id: row.id }, data: { tags: JSON.stringify(tags) } }),
      );
    }
    case "scheduling-policy": {
      const row = await db.schedulingPolicy.findUnique({ where: { organizationId_name: { organizationId, name } } });
      if (!row) throw doesNotExist(arn);
      return simple(targetType, "schedulingPolicies.manage", row, (tx, tags) =>
        tx.schedulingPolicy.update({ where: { id: row.id }, data: { tags: JSON.stringify(tags) } }),
      );
    }
    case "consumable-resource": {
      const row = await db.consumableResource.findUnique({ where: { organizationId_name: { organizationId, name } } });
      if (!row) throw doesNotExist(arn);
      return simple(targetType, "consumableResources.manage", row, (tx, tags) =>
        tx.consumableResource.update({ where: { id: row.id }, data: { tags: JSON.stringify(tags) } }),
      );
    }
    case "job-definition": {
      if (parsed.revision === undefined) {
        throw invalid(`${arn} must name a job definition revision (…:job-definition/name:revision).`);
      }
      const row = await db.jobDefinition.findUnique({
        where: { organizationId_name_revision: { organizationId, name, revision: parsed.revision } },
      });
      if (!row) throw doesNotExist(arn);
      return simple(targetType, "jobDefinitions.manage", row, (tx, tags) =>
        tx.jobDefinition.update({ where: { id: row.id }, data: { tags: JSON.stringify(tags) } }),
      );
    }
    case "job": {
      if (name.includes(":") || name.includes("#")) {
        throw invalid(`${arn} is an array child or node job; tag the parent job instead.`);
      }
      const row = await db.job.findFirst({
        where: { id: name, organizationId },
        select: { id: true, tags: true, submittedById: true },
      });
      if (!row) throw doesNotExist(arn);
      // Like stopping a job: anyone may retag their own jobs, managers anyone's.
      const permission = (userId: string): Permission =>
        row.submittedById !== null && row.submittedById === userId ? "jobs.stopOwn" : "jobs.stopAny";
      return simple(targetType, permission, { arn, tags: row.tags }, (tx, tags) =>
        tx.job.update({ where: { id: row.id }, data: { tags: JSON.stringify(tags) } }),
      );
    }
  }
}

function simple(
  targetType: string,
  permission: Permission | ((userId: string) => Permission),
  row: { arn: string; tags: string },
  write: (tx: Tx, tags: Tags) => Promise<unknown>,
): TagTarget {
  return {
    targetType,
    permission: typeof permission === "function" ? permission : () => permission,
    arn: row.arn,
    tags: safeJson<Tags>(row.tags, {}),
    async save(tx, tags) {
      await write(tx, tags);
    },
  };
}

function pick(tags: Tags, keys: string[]): Tags {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => keys.includes(k)));
}
