import type { ConsumableResource } from "@/generated/sqlite/client";
import { consumableResourceArn } from "@/lib/batch/arn";
import type { DbOrTx } from "@/lib/db";
import { accountIdOf } from "../account";
import { doesNotExist, nameFromRef } from "../refs";

export type ConsumableResourceRow = ConsumableResource;

/** By name or ARN, as AWS takes it; another organization's ARN reads as one that does not exist. */
export async function resolveConsumableResource(
  db: DbOrTx,
  organizationId: string,
  nameOrArn: string,
): Promise<ConsumableResourceRow> {
  const accountId = await accountIdOf(db, organizationId);
  const name = nameFromRef(nameOrArn, "consumable-resource", accountId);
  const row =
    name === null
      ? null
      : await db.consumableResource.findUnique({ where: { organizationId_name: { organizationId, name } } });
  if (!row) throw doesNotExist(name === nameOrArn ? consumableResourceArn(accountId, nameOrArn) : nameOrArn);
  return row;
}
