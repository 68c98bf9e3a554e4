import type { OrgContext } from "@/lib/auth/context";
import { type ListTagsForResourceInput, listTagsForResourceInput, type Tags } from "@/lib/batch/shapes/tags";
import { findTagTarget } from "./tag-target";

export { listTagsForResourceInput };

export async function listTagsForResource(ctx: OrgContext, input: ListTagsForResourceInput): Promise<{ tags: Tags }> {
  const target = await findTagTarget(ctx.db, ctx.organizationId, input.resourceArn);
  return { tags: target.tags };
}
