import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { jobDefinitionArn } from "@/lib/batch/arn";
import { compact } from "@/lib/batch/shapes/common";
import {
  jobDefinitionSpecOf,
  type RegisterJobDefinitionInput,
  registerJobDefinitionInput,
} from "@/lib/batch/shapes/job-definitions";
import { writeTransaction } from "@/lib/db/write-transaction";
import { newId } from "@/lib/ids";
import { accountIdOf } from "../account";

export { registerJobDefinitionInput };

/**
 * Every registration is a new revision, max + 1 for the name. The organization lock taken by
 * writeTransaction serializes registrations, so two at once cannot both read the same maximum;
 * the unique (organization, name, revision) index backs that up.
 */
export async function registerJobDefinition(
  ctx: OrgContext,
  input: RegisterJobDefinitionInput,
): Promise<{ jobDefinitionName: string; jobDefinitionArn: string; revision: number }> {
  const { organizationId } = ctx;
  const name = input.jobDefinitionName;
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const latest = await tx.jobDefinition.findFirst({
      where: { organizationId, name },
      orderBy: { revision: "desc" },
      select: { revision: true },
    });
    const revision = (latest?.revision ?? 0) + 1;
    const arn = jobDefinitionArn(await accountIdOf(tx, organizationId), name, revision);
    await tx.jobDefinition.create({
      data: {
        id: newId(),
        organizationId,
        name,
        revision,
        arn,
        status: "ACTIVE",
        type: input.type,
        containerProperties: JSON.stringify(input.containerProperties ?? {}),
        parameters: JSON.stringify(input.parameters ?? {}),
        retryStrategy: input.retryStrategy ? JSON.stringify(compact(input.retryStrategy)) : null,
        timeout: input.timeout?.attemptDurationSeconds !== undefined ? JSON.stringify(input.timeout) : null,
        schedulingPriority: input.schedulingPriority ?? null,
        propagateTags: input.propagateTags ?? false,
        platformCapabilities: JSON.stringify(input.platformCapabilities ?? []),
        spec: JSON.stringify(jobDefinitionSpecOf(input)),
        tags: JSON.stringify(input.tags ?? {}),
      },
    });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "jobDefinition.register",
      targetType: "jobDefinition",
      targetId: arn,
      details: { name, revision },
    });
    return { jobDefinitionName: name, jobDefinitionArn: arn, revision };
  });
}
