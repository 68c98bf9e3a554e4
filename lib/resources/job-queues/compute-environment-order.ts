// The compute environments a queue dispatches to, checked the way AWS checks them: each must
// exist in the organization and be VALID, none twice, and EC2/SPOT ones cannot be mixed with
// FARGATE/FARGATE_SPOT ones (jobs would be shaped for one and placed on the other).
import { computeEnvironmentArn } from "@/lib/batch/arn";
import { safeJson } from "@/lib/batch/shapes/common";
import type { Tx } from "@/lib/db";
import { invalid } from "@/lib/errors";
import { doesNotExist, nameFromRef } from "../refs";

export interface OrderedComputeEnvironment {
  order: number;
  computeEnvironmentId: string;
}

export async function resolveComputeEnvironmentOrder(
  tx: Tx,
  organizationId: string,
  accountId: string,
  entries: { order: number; computeEnvironment: string }[],
): Promise<OrderedComputeEnvironment[]> {
  const out: OrderedComputeEnvironment[] = [];
  const kinds = new Set<string>();
  for (const entry of entries) {
    const name = nameFromRef(entry.computeEnvironment, "compute-environment", accountId);
    const ce =
      name === null
        ? null
        : await tx.computeEnvironment.findUnique({ where: { organizationId_name: { organizationId, name } } });
    if (!ce) {
      throw doesNotExist(
        name === entry.computeEnvironment ? computeEnvironmentArn(accountId, name) : entry.computeEnvironment,
      );
    }
    if (ce.status !== "VALID") {
      throw invalid(`Compute environment ${ce.name} must be created and valid before attaching it to a job queue.`);
    }
    if (out.some((o) => o.computeEnvironmentId === ce.id)) {
      throw invalid("A compute environment can appear only once in computeEnvironmentOrder.");
    }
    const crType = safeJson<{ computeResources?: { type?: string } }>(ce.spec, {}).computeResources?.type;
    kinds.add(crType === "FARGATE" || crType === "FARGATE_SPOT" ? "FARGATE" : "EC2");
    out.push({ order: entry.order, computeEnvironmentId: ce.id });
  }
  if (kinds.size > 1) {
    throw invalid(
      "computeEnvironmentOrder can't mix EC2/SPOT compute environments with FARGATE/FARGATE_SPOT compute environments.",
    );
  }
  return out;
}
