import { z } from "zod";
import { Prisma } from "@/generated/sqlite/client";
import type { OrgContext } from "@/lib/auth/context";
import {
  consumableResourceSummary,
  type ListConsumableResourcesInput,
  listConsumableResourcesInput,
  nameFilterPattern,
} from "@/lib/batch/shapes/consumable-resources";
import { rawSql } from "@/lib/db/direct";
import { type RawDate, rawDateRequired } from "@/lib/db/raw";
import { readConsumableQuantities } from "@/lib/jobs/consumable-usage";
import { DEFAULT_PAGE_SIZE, decodeToken, encodeToken, page } from "../pagination";

export { listConsumableResourcesInput };

const cursor = z.object({ n: z.string() });

interface Row {
  id: string;
  name: string;
  arn: string;
  totalQuantity: bigint | number;
  resourceType: string;
  tags: string;
  createdAt: RawDate;
}

/**
 * By name, a keyset page at a time. The CONSUMABLE_RESOURCE_NAME filter matches names without
 * regard to case, and a value ending in "*" matches names that begin with the rest (AWS's rule),
 * which Prisma's builder cannot say on SQLite: hence raw SQL, LOWER on both databases.
 */
export async function listConsumableResources(
  ctx: OrgContext,
  input: ListConsumableResourcesInput,
): Promise<{ consumableResources: ReturnType<typeof consumableResourceSummary>[]; nextToken?: string }> {
  const after = input.nextToken ? decodeToken(input.nextToken, cursor).n : undefined;
  const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const values = (input.filters ?? []).flatMap((f) => f.values);
  const conditions = [Prisma.sql`"organizationId" = ${ctx.organizationId}`];
  if (after !== undefined) conditions.push(Prisma.sql`"name" > ${after}`);
  if (values.length > 0) {
    const matches = values.map((v) => Prisma.sql`LOWER("name") LIKE ${nameFilterPattern(v)} ESCAPE '\\'`);
    conditions.push(Prisma.sql`(${Prisma.join(matches, " OR ")})`);
  }
  const rows = await rawSql(ctx.db).$queryRaw<Row[]>`
    SELECT "id", "name", "arn", "totalQuantity", "resourceType", "tags", "createdAt" FROM "ConsumableResource"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY "name" ASC
    LIMIT ${limit + 1}`;
  const { items, more } = page(rows, limit);
  const usage = await readConsumableQuantities(
    ctx.db,
    items.map((r) => r.id),
  );
  const last = items.at(-1);
  return {
    consumableResources: items.map((r) =>
      consumableResourceSummary(
        { ...r, createdAt: rawDateRequired(r.createdAt, "ConsumableResource.createdAt") },
        usage.get(r.id)?.inUseQuantity ?? 0,
      ),
    ),
    ...(more && last ? { nextToken: encodeToken({ n: last.name }) } : {}),
  };
}
