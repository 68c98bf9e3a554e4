import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { consumableResourceArn } from "@/lib/batch/arn";
import {
  type CreateConsumableResourceInput,
  createConsumableResourceInput,
} from "@/lib/batch/shapes/consumable-resources";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { accountIdOf } from "../account";
import { isUniqueViolation } from "../refs";

export { createConsumableResourceInput };

export async function createConsumableResource(
  ctx: OrgContext,
  input: CreateConsumableResourceInput,
): Promise<{ consumableResourceName: string; consumableResourceArn: string }> {
  const { organizationId } = ctx;
  const name = input.consumableResourceName;
  const exists = () => conflict(`Object already exists: consumable resource ${name} already exists.`);
  try {
    return await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
      const arn = consumableResourceArn(await accountIdOf(tx, organizationId), name);
      const existing = await tx.consumableResource.findUnique({
        where: { organizationId_name: { organizationId, name } },
        select: { id: true },
      });
      if (existing) throw exists();
      const totalQuantity = input.totalQuantity ?? 0;
      const resourceType = input.resourceType ?? "REPLENISHABLE";
      await tx.consumableResource.create({
        data: {
          id: newId(),
          organizationId,
          name,
          arn,
          totalQuantity: BigInt(totalQuantity),
          resourceType,
          tags: JSON.stringify(input.tags ?? {}),
        },
      });
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: "consumableResource.create",
        targetType: "consumableResource",
        targetId: arn,
        details: { name, totalQuantity, resourceType },
      });
      return { consumableResourceName: name, consumableResourceArn: arn };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}
