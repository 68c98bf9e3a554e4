import type { OrgContext } from "@/lib/auth/context";
import {
  type DescribeSchedulingPoliciesInput,
  describeSchedulingPoliciesInput,
  schedulingPolicyDetail,
} from "@/lib/batch/shapes/scheduling-policies";
import { accountIdOf } from "../account";
import { nameFromRef } from "../refs";

export { describeSchedulingPoliciesInput };

/** ARNs that do not exist (or belong to another organization) are left out, as on AWS. */
export async function describeSchedulingPolicies(
  ctx: OrgContext,
  input: DescribeSchedulingPoliciesInput,
): Promise<{ schedulingPolicies: Record<string, unknown>[] }> {
  const accountId = await accountIdOf(ctx.db, ctx.organizationId);
  const names = input.arns
    .map((ref) => nameFromRef(ref, "scheduling-policy", accountId))
    .filter((n): n is string => n !== null);
  if (names.length === 0) return { schedulingPolicies: [] };
  const rows = await ctx.db.schedulingPolicy.findMany({
    where: { organizationId: ctx.organizationId, name: { in: names } },
    orderBy: { name: "asc" },
  });
  return { schedulingPolicies: rows.map(schedulingPolicyDetail) };
}
