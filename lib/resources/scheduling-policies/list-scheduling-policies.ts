import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import { type ListSchedulingPoliciesInput, listSchedulingPoliciesInput } from "@/lib/batch/shapes/scheduling-policies";
import { DEFAULT_PAGE_SIZE, decodeToken, encodeToken, page } from "../pagination";

export { listSchedulingPoliciesInput };

const cursor = z.object({ n: z.string() });

export async function listSchedulingPolicies(
  ctx: OrgContext,
  input: ListSchedulingPoliciesInput,
): Promise<{ schedulingPolicies: { arn: string }[]; nextToken?: string }> {
  const after = input.nextToken ? decodeToken(input.nextToken, cursor).n : undefined;
  const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const rows = await ctx.db.schedulingPolicy.findMany({
    where: { organizationId: ctx.organizationId, ...(after !== undefined ? { name: { gt: after } } : {}) },
    orderBy: { name: "asc" },
    take: limit + 1,
    select: { name: true, arn: true },
  });
  const { items, more } = page(rows, limit);
  const last = items.at(-1);
  return {
    schedulingPolicies: items.map((r) => ({ arn: r.arn })),
    ...(more && last ? { nextToken: encodeToken({ n: last.name }) } : {}),
  };
}
