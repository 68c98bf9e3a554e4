// Seeds what job tests need (a compute environment, queues, scheduling policies, job
// definitions) with direct Prisma inserts, so job tests do not depend on the resource
// operations' validation. ARNs are built the way the resource side builds them.
import { computeEnvironmentArn, jobDefinitionArn, jobQueueArn, schedulingPolicyArn } from "@/lib/batch/arn";
import type { Db } from "@/lib/db";
import { newId } from "@/lib/ids";

export async function accountOf(db: Db, organizationId: string): Promise<string> {
  return (await db.organization.findUniqueOrThrow({ where: { id: organizationId } })).accountId;
}

export async function seedComputeEnvironment(db: Db, organizationId: string, name = "ce") {
  const accountId = await accountOf(db, organizationId);
  return db.computeEnvironment.create({
    data: {
      id: newId(),
      organizationId,
      name,
      arn: computeEnvironmentArn(accountId, name),
      type: "MANAGED",
      maxVcpus: 4,
      memoryMiB: 8192,
    },
  });
}

export async function seedSchedulingPolicy(db: Db, organizationId: string, name = "fair") {
  const accountId = await accountOf(db, organizationId);
  return db.schedulingPolicy.create({
    data: {
      id: newId(),
      organizationId,
      name,
      arn: schedulingPolicyArn(accountId, name),
      fairsharePolicy: JSON.stringify({ shareDecaySeconds: 0, computeReservation: 0, shareDistribution: [] }),
    },
  });
}

export async function seedQueue(
  db: Db,
  organizationId: string,
  opts: {
    name?: string;
    state?: "ENABLED" | "DISABLED";
    schedulingPolicyId?: string;
    computeEnvironmentId?: string;
  } = {},
) {
  const accountId = await accountOf(db, organizationId);
  const name = opts.name ?? "queue";
  const ceId = opts.computeEnvironmentId ?? (await seedComputeEnvironment(db, organizationId, `${name}-ce`)).id;
  return db.jobQueue.create({
    data: {
      id: newId(),
      organizationId,
      name,
      liveName: name,
      arn: jobQueueArn(accountId, name),
      priority: 1,
      state: opts.state ?? "ENABLED",
      schedulingPolicyId: opts.schedulingPolicyId ?? null,
      computeEnvironments: { create: [{ computeEnvironmentId: ceId, order: 1 }] },
    },
  });
}

export interface DefinitionSeed {
  name?: string;
  status?: "ACTIVE" | "INACTIVE";
  containerProperties?: Record<string, unknown>;
  parameters?: Record<string, string>;
  retryStrategy?: Record<string, unknown>;
  timeout?: { attemptDurationSeconds: number };
  schedulingPriority?: number;
  propagateTags?: boolean;
  tags?: Record<string, string>;
}

export async function seedDefinition(db: Db, organizationId: string, seed: DefinitionSeed = {}) {
  const accountId = await accountOf(db, organizationId);
  const name = seed.name ?? "def";
  const last = await db.jobDefinition.findFirst({ where: { organizationId, name }, orderBy: { revision: "desc" } });
  const revision = (last?.revision ?? 0) + 1;
  return db.jobDefinition.create({
    data: {
      id: newId(),
      organizationId,
      name,
      revision,
      arn: jobDefinitionArn(accountId, name, revision),
      status: seed.status ?? "ACTIVE",
      containerProperties: JSON.stringify(
        seed.containerProperties ?? {
          image: "busybox",
          command: ["echo", "hello"],
          resourceRequirements: [
            { type: "VCPU", value: "1" },
            { type: "MEMORY", value: "512" },
          ],
        },
      ),
      parameters: JSON.stringify(seed.parameters ?? {}),
      retryStrategy: seed.retryStrategy ? JSON.stringify(seed.retryStrategy) : null,
      timeout: seed.timeout ? JSON.stringify(seed.timeout) : null,
      schedulingPriority: seed.schedulingPriority ?? null,
      propagateTags: seed.propagateTags ?? false,
      tags: JSON.stringify(seed.tags ?? {}),
    },
  });
}

/** Move jobs to a status directly, as the engine would, without its side effects. */
export async function forceStatus(db: Db, ids: string[], status: string, extra: Record<string, unknown> = {}) {
  await db.job.updateMany({ where: { id: { in: ids } }, data: { status, ...extra } });
}
