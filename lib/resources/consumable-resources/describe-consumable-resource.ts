import type { OrgContext } from "@/lib/auth/context";
import {
  consumableResourceDetail,
  type DescribeConsumableResourceInput,
  describeConsumableResourceInput,
} from "@/lib/batch/shapes/consumable-resources";
import { readConsumableQuantities } from "@/lib/jobs/consumable-usage";
import { resolveConsumableResource } from "./resolve-consumable-resource";

export { describeConsumableResourceInput };

/** Total, in use (jobs STARTING or RUNNING that require it) and available, as AWS reports them. */
export async function describeConsumableResource(
  ctx: OrgContext,
  input: DescribeConsumableResourceInput,
): Promise<Record<string, unknown>> {
  const row = await resolveConsumableResource(ctx.db, ctx.organizationId, input.consumableResource);
  const usage = await readConsumableQuantities(ctx.db, [row.id]);
  return consumableResourceDetail(row, usage.get(row.id)?.inUseQuantity ?? 0);
}
