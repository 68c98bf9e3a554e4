import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { compact, safeJson } from "@/lib/batch/shapes/common";
import {
  builtinCapacity,
  specOf,
  type UpdateComputeEnvironmentInput,
  updateComputeEnvironmentInput,
  vcpuOrderProblems,
} from "@/lib/batch/shapes/compute-environments";
import type { Tags } from "@/lib/batch/shapes/tags";
import { writeTransaction } from "@/lib/db/write-transaction";
import { invalid } from "@/lib/errors";
import { hostCapacity } from "./host";
import { resolveComputeEnvironment } from "./resolve-compute-environment";

export { updateComputeEnvironmentInput };

type ComputeResources = Record<string, unknown> & { minvCpus?: number; maxvCpus?: number; desiredvCpus?: number };

/**
 * Changes state, capacity and the fields AWS lets an update touch. Fields given replace the
 * stored ones; fields left out keep their values, so the order of updates does not matter.
 */
export async function updateComputeEnvironment(
  ctx: OrgContext,
  input: UpdateComputeEnvironmentInput,
): Promise<{ computeEnvironmentName: string; computeEnvironmentArn: string }> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId, wakeEngine: "topology" }, async (tx) => {
    const ce = await resolveComputeEnvironment(tx, organizationId, input.computeEnvironment);
    if (ce.type === "MANAGED" && input.unmanagedvCpus !== undefined) {
      throw invalid("unmanagedvCpus can only be specified for an UNMANAGED compute environment.");
    }
    if (ce.type === "UNMANAGED" && input.computeResources) {
      throw invalid("computeResources can't be specified for an UNMANAGED compute environment.");
    }
    const oldSpec = safeJson<Record<string, unknown>>(ce.spec, {});
    const spec: Record<string, unknown> = { ...oldSpec, ...specOf({ ...input, computeResources: undefined }) };
    if (input.computeResources) {
      const old = (oldSpec.computeResources ?? {}) as ComputeResources;
      const given = compact(input.computeResources) as ComputeResources;
      if (given.desiredvCpus !== undefined && old.desiredvCpus !== undefined && given.desiredvCpus < old.desiredvCpus) {
        throw invalid(
          "Manually scaling down compute environment is not supported. Disconnecting job queues from compute environment will cause it to scale-down to minvCpus.",
        );
      }
      const merged = { ...old, ...given };
      const problems = vcpuOrderProblems(merged);
      if (problems[0]) throw invalid(problems[0]);
      spec.computeResources = merged;
    }
    const tags = safeJson<Tags>(ce.tags, {});
    const capacity = builtinCapacity(
      { type: ce.type, spec: spec as Parameters<typeof builtinCapacity>[0]["spec"], tags },
      await hostCapacity(tx),
    );
    await tx.computeEnvironment.update({
      where: { id: ce.id },
      data: {
        state: input.state ?? ce.state,
        spec: JSON.stringify(spec),
        maxVcpus: capacity.maxVcpus,
        memoryMiB: capacity.memoryMiB,
        gpuIds: JSON.stringify(capacity.gpuIds),
      },
    });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "computeEnvironment.update",
      targetType: "computeEnvironment",
      targetId: ce.arn,
      details: {
        changed: Object.keys(compact({ ...input, computeEnvironment: undefined })),
        ...(input.state && input.state !== ce.state ? { state: input.state } : {}),
        maxVcpus: capacity.maxVcpus,
      },
    });
    return { computeEnvironmentName: ce.name, computeEnvironmentArn: ce.arn };
  });
}
