// The running-vCPU quota (maxRunningVcpus) as the built-in engine applies it: which
// organizations have one, and what their STARTING and RUNNING jobs hold now. Read by the
// scheduler's pass (engine/scheduler.ts, through lib/batch/placement.ts) and by "why isn't this
// job running" (lib/jobs/explain-job.ts), so both count the same thing: the vCPUs the
// organization's jobs on a host asked for, in the database, across all its queues and
// environments and whichever engine runs them. A job whose attempt has ended still counts until
// its outcome is committed, so the jobs a poll of the database sees STARTING or RUNNING never
// hold more than the quota.
import { Prisma } from "@/generated/sqlite/client";
import type { VcpuQuota } from "@/lib/batch/placement";
import { ON_HOST_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import type { RawSql } from "@/lib/db/direct";
import { effectiveQuotas, type effectiveQuotasByOrganization } from "./quotas";

/** Past this many organizations the read sums every on-host job (few: the machines bound them). */
const ORGANIZATIONS_PER_READ = 500;

/**
 * The running-vCPU quota of each of these organizations that has one (> 0), from what
 * effectiveQuotasByOrganization read; the others are unlimited and absent.
 */
export function runningVcpuQuotas(
  all: Awaited<ReturnType<typeof effectiveQuotasByOrganization>>,
  organizationIds: Iterable<string>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of organizationIds) {
    const max = all.byOrganization.get(id)?.maxRunningVcpus ?? all.defaults.maxRunningVcpus;
    if (max > 0) out.set(id, max);
  }
  return out;
}

/** vCPUs held by the STARTING and RUNNING jobs of each of these organizations (absent: none). */
export async function readHeldVcpus(db: RawSql, organizationIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (organizationIds.length === 0) return out;
  const some =
    organizationIds.length <= ORGANIZATIONS_PER_READ
      ? Prisma.sql`AND "organizationId" IN (${Prisma.join(organizationIds)})`
      : Prisma.empty;
  const rows = await db.$queryRaw<{ organizationId: string; vcpus: number | string | null }[]>`
    SELECT "organizationId", SUM("vcpus") AS "vcpus" FROM "Job"
    WHERE "status" IN (${Prisma.join([...ON_HOST_STATUSES])}) ${some}
    GROUP BY "organizationId"`;
  const wanted = new Set(organizationIds);
  for (const r of rows) if (wanted.has(r.organizationId)) out.set(r.organizationId, Number(r.vcpus ?? 0));
  return out;
}

/** Each organization's quota with what it holds now, for placement; empty when none has a quota. */
export async function heldAgainstQuotas(
  db: RawSql,
  quotas: ReadonlyMap<string, number>,
): Promise<Map<string, VcpuQuota>> {
  const out = new Map<string, VcpuQuota>();
  if (quotas.size === 0) return out;
  const held = await readHeldVcpus(db, [...quotas.keys()]);
  for (const [id, maxVcpus] of quotas) out.set(id, { maxVcpus, heldVcpus: held.get(id) ?? 0 });
  return out;
}

/** One organization's quota and what it holds now; undefined when it is unlimited. */
export async function organizationVcpuQuota(db: Db, organizationId: string): Promise<VcpuQuota | undefined> {
  const { maxRunningVcpus } = await effectiveQuotas(db, organizationId);
  if (maxRunningVcpus <= 0) return undefined;
  const held = await db.job.aggregate({
    where: { organizationId, status: { in: [...ON_HOST_STATUSES] } },
    _sum: { vcpus: true },
  });
  return { maxVcpus: maxRunningVcpus, heldVcpus: held._sum.vcpus ?? 0 };
}
