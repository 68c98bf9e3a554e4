import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import {
  computeEnvironmentDetail,
  type DescribeComputeEnvironmentsInput,
  describeComputeEnvironmentsInput,
} from "@/lib/batch/shapes/compute-environments";
import { accountIdOf } from "../account";
import { DEFAULT_PAGE_SIZE, decodeToken, encodeToken, page } from "../pagination";
import { nameFromRef } from "../refs";

export { describeComputeEnvironmentsInput };

const cursor = z.object({ n: z.string() });

/** Names or ARNs that do not exist (or belong to another organization) are left out, as on AWS. */
export async function describeComputeEnvironments(
  ctx: OrgContext,
  input: DescribeComputeEnvironmentsInput,
): Promise<{ computeEnvironments: Record<string, unknown>[]; nextToken?: string }> {
  const { organizationId } = ctx;
  const accountId = await accountIdOf(ctx.db, organizationId);
  const names = input.computeEnvironments
    ?.map((ref) => nameFromRef(ref, "compute-environment", accountId))
    .filter((n): n is string => n !== null);
  if (names && names.length === 0 && input.computeEnvironments?.length) return { computeEnvironments: [] };
  const after = input.nextToken ? decodeToken(input.nextToken, cursor).n : undefined;
  const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const rows = await ctx.db.computeEnvironment.findMany({
    where: {
      organizationId,
      AND: [names?.length ? { name: { in: names } } : {}, after !== undefined ? { name: { gt: after } } : {}],
    },
    orderBy: { name: "asc" },
    take: limit + 1,
  });
  const { items, more } = page(rows, limit);
  const last = items.at(-1);
  return {
    computeEnvironments: items.map(computeEnvironmentDetail),
    ...(more && last ? { nextToken: encodeToken({ n: last.name }) } : {}),
  };
}
