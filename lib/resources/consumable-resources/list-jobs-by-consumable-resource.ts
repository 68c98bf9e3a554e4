import { z } from "zod";
import { Prisma } from "@/generated/sqlite/client";
import type { OrgContext } from "@/lib/auth/context";
import { jobArn } from "@/lib/batch/arn";
import {
  consumableResourcePropertiesOf,
  type ListJobsByConsumableResourceInput,
  listJobsByConsumableResourceInput,
  nameFilterPattern,
} from "@/lib/batch/shapes/consumable-resources";
import { rawSql } from "@/lib/db/direct";
import { accountIdOf } from "../account";
import { DEFAULT_PAGE_SIZE, decodeToken, encodeToken, page } from "../pagination";
import { resolveConsumableResource } from "./resolve-consumable-resource";

export { listJobsByConsumableResourceInput };

const cursor = z.object({ j: z.string() });

interface Row {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  shareIdentifier: string | null;
  startedAt: number | bigint | null;
  createdAt: number | bigint;
  consumableResources: string;
  quantity: number | bigint;
  jobQueueArn: string;
  jobDefinitionArn: string;
}

export interface JobByConsumableResource {
  jobArn: string;
  jobQueueArn: string;
  jobName: string;
  jobDefinitionArn: string;
  shareIdentifier?: string;
  jobStatus: string;
  quantity: number;
  statusReason?: string;
  startedAt?: number;
  createdAt: number;
  consumableResourceProperties: ReturnType<typeof consumableResourcePropertiesOf>;
}

/**
 * The jobs that require a resource, newest first (job ids count up in time: lib/ids.ts), a
 * keyset page at a time through JobConsumableResource(consumableResourceId, jobId). Filters:
 * JOB_STATUS (any of its values) and JOB_NAME (without regard to case; "name*" a prefix).
 */
export async function listJobsByConsumableResource(
  ctx: OrgContext,
  input: ListJobsByConsumableResourceInput,
): Promise<{ jobs: JobByConsumableResource[]; nextToken?: string }> {
  const { organizationId } = ctx;
  const resource = await resolveConsumableResource(ctx.db, organizationId, input.consumableResource);
  const after = input.nextToken ? decodeToken(input.nextToken, cursor).j : undefined;
  const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const conditions = [
    Prisma.sql`q."consumableResourceId" = ${resource.id}`,
    Prisma.sql`j."organizationId" = ${organizationId}`,
  ];
  if (after !== undefined) conditions.push(Prisma.sql`q."jobId" < ${after}`);
  for (const f of input.filters ?? []) {
    if (f.name === "JOB_STATUS") conditions.push(Prisma.sql`j."status" IN (${Prisma.join(f.values)})`);
    else {
      const names = f.values.map((v) => Prisma.sql`LOWER(j."name") LIKE ${nameFilterPattern(v)} ESCAPE '\\'`);
      conditions.push(Prisma.sql`(${Prisma.join(names, " OR ")})`);
    }
  }
  const rows = await rawSql(ctx.db).$queryRaw<Row[]>`
    SELECT j."id", j."name", j."status", j."statusReason", j."shareIdentifier", j."startedAt", j."createdAt",
      j."consumableResources", q."quantity", jq."arn" AS "jobQueueArn", d."arn" AS "jobDefinitionArn"
    FROM "JobConsumableResource" q
    JOIN "Job" j ON j."id" = q."jobId"
    JOIN "JobQueue" jq ON jq."id" = j."jobQueueId"
    JOIN "JobDefinition" d ON d."id" = j."jobDefinitionId"
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY q."jobId" DESC
    LIMIT ${limit + 1}`;
  const { items, more } = page(rows, limit);
  const accountId = await accountIdOf(ctx.db, organizationId);
  const last = items.at(-1);
  return {
    jobs: items.map((r) => ({
      jobArn: jobArn(accountId, r.id),
      jobQueueArn: r.jobQueueArn,
      jobName: r.name,
      jobDefinitionArn: r.jobDefinitionArn,
      ...(r.shareIdentifier !== null ? { shareIdentifier: r.shareIdentifier } : {}),
      jobStatus: r.status,
      quantity: Number(r.quantity),
      ...(r.statusReason !== null ? { statusReason: r.statusReason } : {}),
      ...(r.startedAt !== null ? { startedAt: Number(r.startedAt) } : {}),
      createdAt: Number(r.createdAt),
      consumableResourceProperties: consumableResourcePropertiesOf(r.consumableResources),
    })),
    ...(more && last ? { nextToken: encodeToken({ j: last.id }) } : {}),
  };
}
