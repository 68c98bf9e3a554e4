// SubmitJob's consumable resources: the definition's consumableResourceProperties, or the
// submission's consumableResourcePropertiesOverride in their place, resolved to the
// organization's resources before anything is written, and written with the job in its
// transaction: the list on the Job rows (for DescribeJobs) and one JobConsumableResource row
// per job and resource (for the engine's counting). Raw SQL, so it runs in SubmitJob's direct
// transactions and its Prisma ones alike.
import { Prisma } from "@/generated/sqlite/client";
import { consumableResourceArn } from "@/lib/batch/arn";
import { safeJson } from "@/lib/batch/shapes/common";
import type {
  ConsumableResourceProperties,
  ConsumableResourceRequirement,
  ResolvedRequirement,
} from "@/lib/batch/shapes/consumable-resources";
import type { RawSql } from "@/lib/db/direct";
import { invalid } from "@/lib/errors";
import { accountIdOf } from "@/lib/resources/account";
import { nameFromRef } from "@/lib/resources/refs";

export interface ResolvedConsumables {
  /** As DescribeJobs reports it: each resource by ARN. */
  list: ResolvedRequirement[];
  /** For the counting rows. */
  rows: { resourceId: string; quantity: number }[];
}

export const NO_CONSUMABLES: ResolvedConsumables = { list: [], rows: [] };

/** The override's list when it gives one, else the definition's (stored in its `spec`). */
export function requestedConsumables(
  definitionSpec: string,
  override: ConsumableResourceProperties | undefined,
): ConsumableResourceRequirement[] {
  if (override?.consumableResourceList !== undefined) return override.consumableResourceList;
  const spec = safeJson<{ consumableResourceProperties?: ConsumableResourceProperties }>(definitionSpec, {});
  const list = spec.consumableResourceProperties?.consumableResourceList;
  return Array.isArray(list) ? list : [];
}

/**
 * Each requirement's resource in this organization, by name or ARN. Refused (ClientException):
 * a resource that does not exist (named as it was given), one listed twice, and a quantity
 * larger than the resource's total, which no amount of waiting would satisfy.
 */
export async function resolveConsumables(
  tx: RawSql,
  organizationId: string,
  requested: readonly ConsumableResourceRequirement[],
): Promise<ResolvedConsumables> {
  if (requested.length === 0) return NO_CONSUMABLES;
  const accountId = await accountIdOf(tx, organizationId);
  const names = requested.map((r) => {
    const name = nameFromRef(r.consumableResource, "consumable-resource", accountId);
    if (name === null) throw missing(r.consumableResource);
    return name;
  });
  const found = await tx.$queryRaw<{ id: string; name: string; arn: string; totalQuantity: unknown }[]>`
    SELECT "id", "name", "arn", "totalQuantity" FROM "ConsumableResource"
    WHERE "organizationId" = ${organizationId} AND "name" IN (${Prisma.join([...new Set(names)])})`;
  const byName = new Map(found.map((r) => [r.name, r]));
  const seen = new Set<string>();
  const out: ResolvedConsumables = { list: [], rows: [] };
  requested.forEach((r, i) => {
    const row = byName.get(names[i] as string);
    if (!row) {
      throw missing(
        r.consumableResource.startsWith("arn:")
          ? r.consumableResource
          : consumableResourceArn(accountId, names[i] ?? ""),
      );
    }
    if (seen.has(row.id)) {
      throw invalid(`consumableResourceList names consumable resource ${row.name} more than once.`);
    }
    seen.add(row.id);
    const total = Number(row.totalQuantity);
    if (r.quantity > total) {
      throw invalid(
        `The job requires ${r.quantity} of consumable resource ${row.name}, more than its total quantity of ${total}.`,
      );
    }
    out.list.push({ consumableResource: row.arn, quantity: r.quantity });
    out.rows.push({ resourceId: row.id, quantity: r.quantity });
  });
  return out;
}

const missing = (ref: string) => invalid(`Consumable resource ${ref} does not exist.`);

/**
 * The counting rows of a submission just inserted: the job, or an array's parent and every child,
 * one statement per resource whatever the array's size.
 */
export async function insertJobConsumables(tx: RawSql, jobId: string, consumables: ResolvedConsumables): Promise<void> {
  for (const r of consumables.rows) {
    await tx.$executeRaw`
      INSERT INTO "JobConsumableResource" ("jobId", "consumableResourceId", "quantity")
      SELECT "id", ${r.resourceId}, ${r.quantity} FROM "Job" WHERE "id" = ${jobId} OR "arrayParentId" = ${jobId}`;
  }
}
