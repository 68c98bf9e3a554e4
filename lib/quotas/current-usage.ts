// What an organization uses right now of each quota that is a level (not a rate): the vCPUs its
// jobs hold on the built-in engine and the jobs it has waiting. Settings → Quotas shows them
// against the quotas; the operator's page shows them for every organization in two queries.
import { Prisma } from "@/generated/sqlite/client";
import { ON_HOST_STATUSES } from "@/lib/batch/states";
import { type Db, providerOf } from "@/lib/db";
import { direct } from "@/lib/db/direct";
import { organizationLogBytes } from "@/lib/retention/log-bytes";
import { WAITING_JOB_ROWS } from "./waiting-jobs";

export interface QuotaUsageNow {
  runningVcpus: number;
  waitingJobs: number;
}

/**
 * Usage per organization (all of them when `organizationIds` is absent); an organization with
 * nothing running or waiting is absent from the map. Waiting jobs are counted as the quota
 * counts them: an array's children, not its parent.
 */
export async function quotaUsageNow(db: Db, organizationIds?: string[]): Promise<Map<string, QuotaUsageNow>> {
  if (organizationIds?.length === 0) return new Map();
  const scope = organizationIds ? Prisma.sql`AND "organizationId" IN (${Prisma.join(organizationIds)})` : Prisma.empty;
  const [held, waiting] = await Promise.all([
    db.$queryRaw<{ organizationId: string; vcpus: number | null }[]>`
      SELECT "organizationId", SUM("vcpus") AS "vcpus" FROM "Job"
      WHERE "status" IN (${Prisma.join(ON_HOST_STATUSES)}) ${scope}
      GROUP BY "organizationId"`,
    db.$queryRaw<{ organizationId: string; n: bigint | number }[]>`
      SELECT "organizationId", COUNT(*) AS "n" FROM "Job"
      WHERE ${WAITING_JOB_ROWS} ${scope}
      GROUP BY "organizationId"`,
  ]);
  const out = new Map<string, QuotaUsageNow>();
  const entry = (id: string) => {
    const found = out.get(id);
    if (found) return found;
    const created = { runningVcpus: 0, waitingJobs: 0 };
    out.set(id, created);
    return created;
  };
  for (const r of held) entry(r.organizationId).runningVcpus = Number(r.vcpus ?? 0);
  for (const r of waiting) entry(r.organizationId).waitingJobs = Number(r.n);
  return out;
}

/**
 * The organization's stored log bytes, measured only when it has a log-bytes quota (it reads
 * every chunk of the organization's jobs, as the engine's check does): null without one.
 */
export async function logBytesAgainstQuota(
  db: Db,
  organizationId: string,
  maxLogBytes: number,
): Promise<number | null> {
  if (maxLogBytes <= 0) return null;
  return organizationLogBytes(direct(db), providerOf(db), organizationId);
}
