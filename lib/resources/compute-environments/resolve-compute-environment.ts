import type { ComputeEnvironment } from "@/generated/sqlite/client";
import { computeEnvironmentArn } from "@/lib/batch/arn";
import type { DbOrTx } from "@/lib/db";
import { accountIdOf } from "../account";
import { doesNotExist, nameFromRef } from "../refs";

export type ComputeEnvironmentRow = ComputeEnvironment;

export async function resolveComputeEnvironment(
  db: DbOrTx,
  organizationId: string,
  nameOrArn: string,
): Promise<ComputeEnvironmentRow> {
  const accountId = await accountIdOf(db, organizationId);
  const name = nameFromRef(nameOrArn, "compute-environment", accountId);
  const row =
    name === null
      ? null
      : await db.computeEnvironment.findUnique({ where: { organizationId_name: { organizationId, name } } });
  if (!row) throw doesNotExist(name === nameOrArn ? computeEnvironmentArn(accountId, nameOrArn) : nameOrArn);
  return row;
}
