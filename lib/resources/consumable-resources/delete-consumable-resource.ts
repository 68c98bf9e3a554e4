import { Prisma } from "@/generated/sqlite/client";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import {
  type DeleteConsumableResourceInput,
  deleteConsumableResourceInput,
} from "@/lib/batch/shapes/consumable-resources";
import { TERMINAL_STATUSES } from "@/lib/batch/states";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { resolveConsumableResource } from "./resolve-consumable-resource";

export { deleteConsumableResourceInput };

/**
 * Refused while an unfinished job requires the resource: it would wait for it forever. Finished
 * jobs keep their list (DescribeJobs still shows it); their rows for counting go with it.
 */
export async function deleteConsumableResource(
  ctx: OrgContext,
  input: DeleteConsumableResourceInput,
): Promise<Record<string, never>> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    const row = await resolveConsumableResource(tx, organizationId, input.consumableResource);
    const unfinished = await tx.$queryRaw<{ id: string }[]>`
      SELECT j."id" FROM "JobConsumableResource" q JOIN "Job" j ON j."id" = q."jobId"
      WHERE q."consumableResourceId" = ${row.id} AND j."organizationId" = ${organizationId}
        AND j."status" NOT IN (${Prisma.join([...TERMINAL_STATUSES])})
      LIMIT 3`;
    if (unfinished.length > 0) {
      throw conflict(
        `Cannot delete consumable resource ${row.name}: unfinished jobs require it (${unfinished.map((j) => j.id).join(", ")}${unfinished.length === 3 ? ", …" : ""}).`,
      );
    }
    await tx.consumableResource.delete({ where: { id: row.id } });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "consumableResource.delete",
      targetType: "consumableResource",
      targetId: row.arn,
      details: { name: row.name },
    });
    return {};
  });
}
