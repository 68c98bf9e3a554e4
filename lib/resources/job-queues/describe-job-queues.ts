import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";
import { type DescribeJobQueuesInput, describeJobQueuesInput, jobQueueDetail } from "@/lib/batch/shapes/job-queues";
import { accountIdOf } from "../account";
import { DEFAULT_PAGE_SIZE, decodeToken, encodeToken, page } from "../pagination";
import { nameFromRef } from "../refs";

export { describeJobQueuesInput };

const cursor = z.object({ n: z.string() });

export const jobQueueDetailInclude = {
  schedulingPolicy: { select: { arn: true } },
  computeEnvironments: { select: { order: true, computeEnvironment: { select: { arn: true } } } },
} as const;

/** Names or ARNs that do not exist (or belong to another organization) are left out, as on AWS. */
export async function describeJobQueues(
  ctx: OrgContext,
  input: DescribeJobQueuesInput,
): Promise<{ jobQueues: Record<string, unknown>[]; nextToken?: string }> {
  const { organizationId } = ctx;
  const accountId = await accountIdOf(ctx.db, organizationId);
  const names = input.jobQueues
    ?.map((ref) => nameFromRef(ref, "job-queue", accountId))
    .filter((n): n is string => n !== null);
  if (names && names.length === 0 && input.jobQueues?.length) return { jobQueues: [] };
  const after = input.nextToken ? decodeToken(input.nextToken, cursor).n : undefined;
  const limit = input.maxResults ?? DEFAULT_PAGE_SIZE;
  const rows = await ctx.db.jobQueue.findMany({
    where: {
      organizationId,
      deletedAt: null,
      AND: [names?.length ? { liveName: { in: names } } : {}, after !== undefined ? { liveName: { gt: after } } : {}],
    },
    include: jobQueueDetailInclude,
    orderBy: { liveName: "asc" },
    take: limit + 1,
  });
  const { items, more } = page(rows, limit);
  const last = items.at(-1);
  return {
    jobQueues: items.map(jobQueueDetail),
    ...(more && last ? { nextToken: encodeToken({ n: last.name }) } : {}),
  };
}
