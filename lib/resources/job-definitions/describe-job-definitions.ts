import { z } from "zod";
import type { Prisma } from "@/generated/sqlite/client";
import type { OrgContext } from "@/lib/auth/context";
import {
  type DescribeJobDefinitionsInput,
  describeJobDefinitionsInput,
  jobDefinitionDetail,
} from "@/lib/batch/shapes/job-definitions";
import { AppError } from "@/lib/errors";
import { DEFAULT_PAGE_SIZE, decodeToken, encodeToken, page } from "../pagination";
import { parseJobDefinitionRef } from "./resolve-job-definition";

export { describeJobDefinitionsInput };

const cursor = z.object({ n: z.string(), r: z.number().int() });

/**
 * By a list of `name:revision` / ARNs (a bare name there means every revision), or by name and
 * status, or everything; ordered by name then revision. References that do not exist, or that
 * name another organization's account, are left out, as on AWS.
 */
export async function describeJobDefinitions(
  ctx: OrgContext,
  input: DescribeJobDefinitionsInput,
): Promise<{ jobDefinitions: Record<string, unknown>[]; nextToken?: string }> {
  const { organizationId } = ctx;
  const filters: Prisma.JobDefinitionWhereInput[] = [];
  if (input.jobDefinitions?.length) {
    const refs = [];
    for (const text of input.jobDefinitions) {
      try {
        refs.push(await parseJobDefinitionRef(ctx.db, organizationId, text));
      } catch (error) {
        if (error instanceof AppError && error.code === "NOT_FOUND") continue;
        throw error;
      }
    }
    if (refs.length === 0) return { jobDefinitions: [] };
    filters.push({
      OR: refs.map((r) => (r.revision === undefined ? { name: r.name } : { name: r.name, revision: r.revision })),
    });
  }
  if (input.jobDefinitionName !== undefined) filters.push({ name: input.jobDefinitionName });
  if (input.status !== undefined) filters.push({ status: input.status });
  if (input.nextToken) {
    const after = decodeToken(input.nextToken, cursor);
    filters.push({ OR: [{ name: { gt: after.n } }, { name: after.n, revision: { gt: after.r } }] });
  }
  const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const rows = await ctx.db.jobDefinition.findMany({
    where: { organizationId, AND: filters },
    orderBy: [{ name: "asc" }, { revision: "asc" }],
    take: limit + 1,
  });
  const { items, more } = page(rows, limit);
  const last = items.at(-1);
  return {
    jobDefinitions: items.map(jobDefinitionDetail),
    ...(more && last ? { nextToken: encodeToken({ n: last.name, r: last.revision }) } : {}),
  };
}
