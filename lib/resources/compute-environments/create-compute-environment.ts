import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { computeEnvironmentArn } from "@/lib/batch/arn";
import {
  builtinCapacity,
  type CreateComputeEnvironmentInput,
  createComputeEnvironmentInput,
  MAX_COMPUTE_ENVIRONMENTS,
  specOf,
} from "@/lib/batch/shapes/compute-environments";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError, conflict } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { accountIdOf } from "../account";
import { isUniqueViolation } from "../refs";
import { hostCapacity } from "./host";

export { createComputeEnvironmentInput };

export async function createComputeEnvironment(
  ctx: OrgContext,
  input: CreateComputeEnvironmentInput,
): Promise<{ computeEnvironmentName: string; computeEnvironmentArn: string }> {
  const { organizationId } = ctx;
  const name = input.computeEnvironmentName;
  const exists = () => conflict(`Object already exists: compute environment ${name} already exists.`);
  try {
    return await writeTransaction(
      ctx.db,
      { lockOrganization: ctx.organizationId, wakeEngine: "topology" },
      async (tx) => {
        const arn = computeEnvironmentArn(await accountIdOf(tx, organizationId), name);
        if (await tx.computeEnvironment.findUnique({ where: { organizationId_name: { organizationId, name } } })) {
          throw exists();
        }
        if ((await tx.computeEnvironment.count({ where: { organizationId } })) >= MAX_COMPUTE_ENVIRONMENTS) {
          throw new AppError(
            "LIMIT_EXCEEDED",
            `An organization can have at most ${MAX_COMPUTE_ENVIRONMENTS} compute environments; delete one first.`,
          );
        }
        const spec = specOf(input);
        const tags = input.tags ?? {};
        const capacity = builtinCapacity({ type: input.type, spec, tags }, await hostCapacity(tx));
        await tx.computeEnvironment.create({
          data: {
            id: newId(),
            organizationId,
            name,
            arn,
            type: input.type,
            state: input.state ?? "ENABLED",
            status: "VALID",
            maxVcpus: capacity.maxVcpus,
            memoryMiB: capacity.memoryMiB,
            gpuIds: JSON.stringify(capacity.gpuIds),
            spec: JSON.stringify(spec),
            tags: JSON.stringify(tags),
          },
        });
        await recordAudit(tx, {
          organizationId,
          actor: ctx.actor,
          action: "computeEnvironment.create",
          targetType: "computeEnvironment",
          targetId: arn,
          details: { name, type: input.type, ...capacity },
        });
        return { computeEnvironmentName: name, computeEnvironmentArn: arn };
      },
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}
