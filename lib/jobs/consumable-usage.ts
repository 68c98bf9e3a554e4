// What is in use and what is left of consumable resources, read from the database: in use is
// the sum of JobConsumableResource.quantity over the jobs on a host (STARTING or RUNNING), so
// it is given back when an attempt ends, whatever ends it (an outcome, a terminate, recovery
// after an engine crash). A NON_REPLENISHABLE resource loses the quantity from its total in
// the transaction that claims the job (consumeNonReplenishable), which is exact because the
// claim and the decrement commit together or not at all.
//
// Raw SQL on RawSql (lib/db/direct.ts), so the engine's pass and its claim transaction, the
// web's Prisma transactions and plain clients all run the same statements.
import { Prisma } from "@/generated/sqlite/client";
import type { ConsumableRequirement } from "@/lib/batch/consumable";
import { quantitiesOf } from "@/lib/batch/shapes/consumable-resources";
import { ON_HOST_STATUSES } from "@/lib/batch/states";
import type { RawSql } from "@/lib/db/direct";

/** Well under SQLite's and Prisma's bound-parameter limits. */
const CHUNK = 500;

export interface ConsumableQuantities {
  id: string;
  resourceType: string;
  totalQuantity: number;
  inUseQuantity: number;
  availableQuantity: number;
}

const onHost = Prisma.join([...ON_HOST_STATUSES]);

/**
 * Total, in use and available for each of these resources (by id). Callers scope the ids to an
 * organization; the engine passes the resources its candidates require, of any organization.
 */
export async function readConsumableQuantities(
  db: RawSql,
  resourceIds: readonly string[],
): Promise<Map<string, ConsumableQuantities>> {
  const out = new Map<string, ConsumableQuantities>();
  const ids = [...new Set(resourceIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    // The sum starts from the jobs on a host (Job's status index), never from a resource's
    // history of finished jobs.
    const rows = await db.$queryRaw<
      { id: string; resourceType: string; totalQuantity: unknown; inUse: unknown }[]
    >`SELECT cr."id", cr."resourceType", cr."totalQuantity", COALESCE(u."inUse", 0) AS "inUse"
      FROM "ConsumableResource" cr
      LEFT JOIN (
        SELECT q."consumableResourceId" AS "id", CAST(SUM(q."quantity") AS BIGINT) AS "inUse"
        FROM "Job" j JOIN "JobConsumableResource" q ON q."jobId" = j."id"
        WHERE j."status" IN (${onHost}) AND q."consumableResourceId" IN (${Prisma.join(part)})
        GROUP BY q."consumableResourceId"
      ) u ON u."id" = cr."id"
      WHERE cr."id" IN (${Prisma.join(part)})`;
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        resourceType: r.resourceType,
        ...quantitiesOf(r.resourceType, Number(r.totalQuantity), Number(r.inUse)),
      });
    }
  }
  return out;
}

/** What each of these jobs requires (jobs that require nothing are absent). */
export async function readJobRequirements(
  db: RawSql,
  jobIds: readonly string[],
): Promise<Map<string, ConsumableRequirement[]>> {
  const out = new Map<string, ConsumableRequirement[]>();
  for (let i = 0; i < jobIds.length; i += CHUNK) {
    const rows = await db.$queryRaw<{ jobId: string; consumableResourceId: string; quantity: unknown }[]>`
      SELECT "jobId", "consumableResourceId", "quantity" FROM "JobConsumableResource"
      WHERE "jobId" IN (${Prisma.join(jobIds.slice(i, i + CHUNK))})`;
    for (const r of rows) {
      const list = out.get(r.jobId) ?? [];
      list.push({ resourceId: r.consumableResourceId, quantity: Number(r.quantity) });
      out.set(r.jobId, list);
    }
  }
  return out;
}

/** Whether any consumable resource exists at all: a pass without any reads nothing more. */
export async function anyConsumableResources(db: RawSql): Promise<boolean> {
  const [row] = await db.$queryRaw<unknown[]>`SELECT "id" FROM "ConsumableResource" LIMIT 1`;
  return row !== undefined;
}

/**
 * NON_REPLENISHABLE resources give up what the just-claimed jobs require: call it inside the
 * transaction that claims them (engine/scheduler.ts's claimChunk), with the ids that moved to
 * STARTING, so the decrement commits exactly when the claim does. The total never goes below 0
 * (an UpdateConsumableResource REMOVE may have committed since the pass read it).
 */
export async function consumeNonReplenishable(tx: RawSql, claimedJobIds: readonly string[]): Promise<void> {
  if (claimedJobIds.length === 0) return;
  const used = new Map<string, number>();
  for (let i = 0; i < claimedJobIds.length; i += CHUNK) {
    const rows = await tx.$queryRaw<{ id: string; used: unknown }[]>`
      SELECT q."consumableResourceId" AS "id", CAST(SUM(q."quantity") AS BIGINT) AS "used"
      FROM "JobConsumableResource" q JOIN "ConsumableResource" cr ON cr."id" = q."consumableResourceId"
      WHERE q."jobId" IN (${Prisma.join(claimedJobIds.slice(i, i + CHUNK))}) AND cr."resourceType" = 'NON_REPLENISHABLE'
      GROUP BY q."consumableResourceId"`;
    for (const r of rows) used.set(r.id, (used.get(r.id) ?? 0) + Number(r.used));
  }
  const now = new Date();
  for (const [id, quantity] of used) {
    await tx.$executeRaw`
      UPDATE "ConsumableResource"
      SET "totalQuantity" = CASE WHEN "totalQuantity" > ${quantity} THEN "totalQuantity" - ${quantity} ELSE 0 END,
        "updatedAt" = ${now}
      WHERE "id" = ${id}`;
  }
}

/**
 * For "why isn't this job running": each consumable resource the job requires more of than is
 * left now, by name (the organization's resources only).
 */
export async function consumableShortfalls(
  db: RawSql,
  organizationId: string,
  jobId: string,
): Promise<{ resource: string; requested: number; available: number }[]> {
  const requirements = (await readJobRequirements(db, [jobId])).get(jobId) ?? [];
  if (requirements.length === 0) return [];
  const quantities = await readConsumableQuantities(
    db,
    requirements.map((r) => r.resourceId),
  );
  const names = await db.$queryRaw<{ id: string; name: string }[]>`
    SELECT "id", "name" FROM "ConsumableResource"
    WHERE "organizationId" = ${organizationId} AND "id" IN (${Prisma.join(requirements.map((r) => r.resourceId))})`;
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  return requirements.flatMap((r) => {
    const name = nameOf.get(r.resourceId);
    const available = quantities.get(r.resourceId)?.availableQuantity ?? 0;
    return name !== undefined && r.quantity > available ? [{ resource: name, requested: r.quantity, available }] : [];
  });
}
