import type { SchedulingPolicy } from "@/generated/sqlite/client";
import { schedulingPolicyArn } from "@/lib/batch/arn";
import type { DbOrTx } from "@/lib/db";
import { accountIdOf } from "../account";
import { doesNotExist, nameFromRef } from "../refs";

export type SchedulingPolicyRow = SchedulingPolicy;

/** AWS names policies by ARN; a bare name is accepted too, for the console's convenience. */
export async function resolveSchedulingPolicy(
  db: DbOrTx,
  organizationId: string,
  arnOrName: string,
): Promise<SchedulingPolicyRow> {
  const accountId = await accountIdOf(db, organizationId);
  const name = nameFromRef(arnOrName, "scheduling-policy", accountId);
  const row =
    name === null
      ? null
      : await db.schedulingPolicy.findUnique({ where: { organizationId_name: { organizationId, name } } });
  if (!row) throw doesNotExist(name === arnOrName ? schedulingPolicyArn(accountId, arnOrName) : arnOrName);
  return row;
}
