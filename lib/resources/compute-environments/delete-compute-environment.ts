import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import {
  type DeleteComputeEnvironmentInput,
  deleteComputeEnvironmentInput,
} from "@/lib/batch/shapes/compute-environments";
import { ON_HOST_STATUSES } from "@/lib/batch/states";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { resolveComputeEnvironment } from "./resolve-compute-environment";

export { deleteComputeEnvironmentInput };

/**
 * AWS's rule: a compute environment must be DISABLED and attached to no job queue before it can
 * be deleted. Locally a job still on the host would lose its placement, so that is refused too.
 */
export async function deleteComputeEnvironment(
  ctx: OrgContext,
  input: DeleteComputeEnvironmentInput,
): Promise<Record<string, never>> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId, wakeEngine: "topology" }, async (tx) => {
    const ce = await resolveComputeEnvironment(tx, organizationId, input.computeEnvironment);
    if (ce.state !== "DISABLED") {
      throw conflict(
        `Cannot delete compute environment ${ce.name}: it is ENABLED. Update its state to DISABLED first.`,
      );
    }
    const links = await tx.jobQueueComputeEnvironment.findMany({
      where: { computeEnvironmentId: ce.id, jobQueue: { organizationId } },
      select: { jobQueue: { select: { name: true } } },
    });
    if (links.length > 0) {
      const queues = links.map((l) => l.jobQueue.name).sort();
      throw conflict(
        `Cannot delete, found existing JobQueue relationship: compute environment ${ce.name} is used by job queue(s) ${queues.join(", ")}. Remove it from their computeEnvironmentOrder first.`,
      );
    }
    const onHost = await tx.job.count({
      where: { organizationId, computeEnvironmentId: ce.id, status: { in: [...ON_HOST_STATUSES] } },
    });
    if (onHost > 0) {
      throw conflict(
        `Cannot delete compute environment ${ce.name}: ${onHost} job(s) are still starting or running on it. Wait for them to finish or terminate them.`,
      );
    }
    await tx.computeEnvironment.delete({ where: { id: ce.id } });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "computeEnvironment.delete",
      targetType: "computeEnvironment",
      targetId: ce.arn,
      details: { name: ce.name },
    });
    return {};
  });
}
