import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { type DeregisterJobDefinitionInput, deregisterJobDefinitionInput } from "@/lib/batch/shapes/job-definitions";
import { writeTransaction } from "@/lib/db/write-transaction";
import { invalid } from "@/lib/errors";
import { parseJobDefinitionRef, resolveJobDefinition } from "./resolve-job-definition";

export { deregisterJobDefinitionInput };

/**
 * Marks one revision INACTIVE: it accepts no new jobs, while jobs already submitted from it run
 * on (they carry their resolved container). Deregistering an INACTIVE revision again is a no-op.
 */
export async function deregisterJobDefinition(
  ctx: OrgContext,
  input: DeregisterJobDefinitionInput,
): Promise<Record<string, never>> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const ref = await parseJobDefinitionRef(tx, organizationId, input.jobDefinition);
    if (ref.revision === undefined) {
      throw invalid(
        `jobDefinition ${input.jobDefinition} must name a revision (name:revision or the ARN ending in :revision).`,
      );
    }
    const definition = await resolveJobDefinition(tx, organizationId, input.jobDefinition);
    if (definition.status === "INACTIVE") return {};
    await tx.jobDefinition.update({ where: { id: definition.id }, data: { status: "INACTIVE" } });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "jobDefinition.deregister",
      targetType: "jobDefinition",
      targetId: definition.arn,
      details: { name: definition.name, revision: definition.revision },
    });
    return {};
  });
}
