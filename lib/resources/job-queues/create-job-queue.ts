import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { jobQueueArn } from "@/lib/batch/arn";
import {
  type CreateJobQueueInput,
  createJobQueueInput,
  jobQueueSpecOf,
  MAX_JOB_QUEUES,
} from "@/lib/batch/shapes/job-queues";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError, conflict } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { accountIdOf } from "../account";
import { isUniqueViolation } from "../refs";
import { resolveSchedulingPolicy } from "../scheduling-policies/resolve-scheduling-policy";
import { resolveComputeEnvironmentOrder } from "./compute-environment-order";

export { createJobQueueInput };

export async function createJobQueue(
  ctx: OrgContext,
  input: CreateJobQueueInput,
): Promise<{ jobQueueName: string; jobQueueArn: string }> {
  const { organizationId } = ctx;
  const name = input.jobQueueName;
  const exists = () => conflict(`Object already exists: job queue ${name} already exists.`);
  try {
    return await writeTransaction(
      ctx.db,
      { lockOrganization: ctx.organizationId, wakeEngine: "topology" },
      async (tx) => {
        const accountId = await accountIdOf(tx, organizationId);
        const arn = jobQueueArn(accountId, name);
        if (await tx.jobQueue.findUnique({ where: { organizationId_liveName: { organizationId, liveName: name } } })) {
          throw exists();
        }
        if ((await tx.jobQueue.count({ where: { organizationId, deletedAt: null } })) >= MAX_JOB_QUEUES) {
          throw new AppError(
            "LIMIT_EXCEEDED",
            `An organization can have at most ${MAX_JOB_QUEUES} job queues; delete one first.`,
          );
        }
        const order = await resolveComputeEnvironmentOrder(
          tx,
          organizationId,
          accountId,
          input.computeEnvironmentOrder,
        );
        const policy = input.schedulingPolicyArn
          ? await resolveSchedulingPolicy(tx, organizationId, input.schedulingPolicyArn)
          : null;
        const id = newId();
        await tx.jobQueue.create({
          data: {
            id,
            organizationId,
            name,
            liveName: name,
            arn,
            priority: input.priority,
            state: input.state ?? "ENABLED",
            status: "VALID",
            schedulingPolicyId: policy?.id ?? null,
            jobStateTimeLimitActions: JSON.stringify(input.jobStateTimeLimitActions ?? []),
            spec: JSON.stringify(jobQueueSpecOf(input)),
            tags: JSON.stringify(input.tags ?? {}),
            computeEnvironments: { create: order },
          },
        });
        await recordAudit(tx, {
          organizationId,
          actor: ctx.actor,
          action: "jobQueue.create",
          targetType: "jobQueue",
          targetId: arn,
          details: { name, priority: input.priority, schedulingPolicyArn: policy?.arn ?? null },
        });
        return { jobQueueName: name, jobQueueArn: arn };
      },
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}
