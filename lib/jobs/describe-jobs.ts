// DescribeJobs: full JobDetail for up to 100 ids of this organization, in the order asked.
// Ids that do not exist here are left out, as AWS does; another organization's jobs read
// exactly like ones that do not exist.
import type { OrgContext } from "@/lib/auth/context";
import { type DependsOn, type DescribeJobsInput, type JobDetail, toJobDetail } from "@/lib/batch/shapes/jobs";
import type { DbOrTx } from "@/lib/db";
import { accountIdOf } from "@/lib/resources/account";

export { describeJobsInput } from "@/lib/batch/shapes/jobs";

export async function describeJobs(ctx: OrgContext, input: DescribeJobsInput): Promise<{ jobs: JobDetail[] }> {
  const ids = [...new Set(input.jobs)];
  if (ids.length === 0) return { jobs: [] };
  const rows = await ctx.db.job.findMany({
    where: { organizationId: ctx.organizationId, id: { in: ids } },
    include: {
      jobQueue: { select: { arn: true } },
      jobDefinition: { select: { arn: true, platformCapabilities: true } },
      attempts: true,
      dependsOn: { select: { dependsOnJobId: true, type: true } },
    },
  });
  if (rows.length === 0) return { jobs: [] };
  const accountId = await accountIdOf(ctx.db, ctx.organizationId);
  const parentIds = rows.filter((r) => r.arraySize !== null).map((r) => r.id);
  const summaries = await statusSummaries(ctx.db, ctx.organizationId, parentIds);
  const ownEdges = new Set(rows.flatMap((r) => r.dependsOn.map((d) => `${r.id}>${d.dependsOnJobId}`)));
  const arrayDeps = await arrayLevelDependencies(ctx.db, parentIds, ownEdges);

  const byId = new Map(rows.map((r) => [r.id, r]));
  const jobs: JobDetail[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    const own: DependsOn[] = row.dependsOn.map((d) => dependsOnEntry(d.dependsOnJobId, d.type));
    const extra = arrayDeps.get(row.id) ?? [];
    jobs.push(
      toJobDetail(
        row,
        { accountId },
        {
          attempts: row.attempts,
          dependsOn: [...own, ...extra],
          statusSummary: summaries.get(row.id),
          platformCapabilities: parsePlatforms(row.jobDefinition.platformCapabilities),
        },
      ),
    );
  }
  return { jobs };
}

function dependsOnEntry(jobId: string | undefined, type: string | null): DependsOn {
  const entry: DependsOn = {};
  if (jobId !== undefined) entry.jobId = jobId;
  if (type === "N_TO_N" || type === "SEQUENTIAL") entry.type = type;
  return entry;
}

function parsePlatforms(text: string): string[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) && v.length > 0 ? v.map(String) : ["EC2"];
  } catch {
    return ["EC2"];
  }
}

async function statusSummaries(
  db: DbOrTx,
  organizationId: string,
  parentIds: string[],
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (parentIds.length === 0) return out;
  const groups = await db.job.groupBy({
    by: ["arrayParentId", "status"],
    where: { organizationId, arrayParentId: { in: parentIds } },
    _count: { _all: true },
  });
  for (const g of groups) {
    if (!g.arrayParentId) continue;
    const summary = out.get(g.arrayParentId) ?? {};
    summary[g.status] = g._count._all;
    out.set(g.arrayParentId, summary);
  }
  return out;
}

// N_TO_N and SEQUENTIAL dependencies of an array live on its children (child i → dependency
// child i; child i → child i-1), not on the parent row, so the parent's dependsOn is read back
// from its first two children's edges.
async function arrayLevelDependencies(
  db: DbOrTx,
  parentIds: string[],
  /** `parent>dependency` for the parents' own edges, which children repeat. */
  ownEdges: Set<string>,
): Promise<Map<string, DependsOn[]>> {
  const out = new Map<string, DependsOn[]>();
  if (parentIds.length === 0) return out;
  const edges = await db.jobDependency.findMany({
    where: { jobId: { in: parentIds.flatMap((p) => [`${p}:0`, `${p}:1`]) }, type: { in: ["N_TO_N", "SEQUENTIAL"] } },
    select: { jobId: true, dependsOnJobId: true, type: true },
  });
  for (const e of edges) {
    const parentId = e.jobId.slice(0, e.jobId.lastIndexOf(":"));
    if (ownEdges.has(`${parentId}>${e.dependsOnJobId}`)) continue;
    const list = out.get(parentId) ?? [];
    if (e.type === "SEQUENTIAL" && e.jobId === `${parentId}:1` && e.dependsOnJobId === `${parentId}:0`) {
      list.push({ type: "SEQUENTIAL" });
    } else if (e.type === "N_TO_N" && e.jobId === `${parentId}:0` && e.dependsOnJobId.endsWith(":0")) {
      list.push({ jobId: e.dependsOnJobId.slice(0, -2), type: "N_TO_N" });
    }
    out.set(parentId, list);
  }
  return out;
}
