// Usage over a range of UTC days, summed in SQL from UsageRecord, for one organization or for
// every organization (the operator's view), by one of: day, queue, definition, share, user,
// organization; optionally split by day too (the chart, the CSV).
//
// Units. Sums are kept exact in the units rows are stored in: vCPU-milliseconds
// (Σ durationMs × vcpus), MiB-milliseconds (Σ durationMs × memoryMiB) and GPU-milliseconds
// (Σ durationMs × gpus). The memory and GPU sums are integers, summed by the database as such
// (64-bit on SQLite, numeric on PostgreSQL) and returned as bigint; the vCPU sum is a double
// (vcpus is a Float), exact while reservations are multiples of a power of two like 0.25 and
// the sum stays under 2^53 vCPU-ms (about 285 vCPU-years). The report's units are derived from
// them: vCPU-seconds = vCPU-ms / 1000, GiB-seconds = MiB-ms / 1024 / 1000 (memoryMiB / 1024 ×
// seconds), GPU-seconds = GPU-ms / 1000, as doubles for charts and tables; lib/usage/units.ts
// writes the exact decimal figures (the CSV).
//
// Queue, definition and share are keyed by name as recorded, so across organizations (the
// operator's view) two organizations' queues of one name are one group; group by organization
// to tell them apart.
import { Prisma } from "@/generated/sqlite/client";
import { type RawSql, rawSql } from "@/lib/db/direct";

export const USAGE_GROUPS = ["day", "queue", "definition", "share", "user", "organization"] as const;
export type UsageGroupBy = (typeof USAGE_GROUPS)[number];

export type UsageScope = { organizationId: string } | { allOrganizations: true };

export interface UsageReportOptions {
  scope: UsageScope;
  /** First and last UTC day of the range, both included ("YYYY-MM-DD"). */
  from: string;
  to: string;
  groupBy: UsageGroupBy;
  /** Also return `byDay`: the figures per (day, group). */
  byDay?: boolean;
}

export interface UsageFigures {
  /** Distinct attempts (one that ran across midnight counts once in each day it ran in). */
  attempts: number;
  /** Exact sums in stored units: vCPU-ms, MiB-ms, GPU-ms. */
  vcpuMs: number;
  memoryMiBMs: bigint;
  gpuMs: bigint;
  /** The same in the report's units (doubles): vCPU-seconds, GiB-seconds, GPU-seconds. */
  vcpuSeconds: number;
  memoryGiBSeconds: number;
  gpuSeconds: number;
}

export interface UsageGroup extends UsageFigures {
  /**
   * What the group is: the day, the queue's or definition's name, the share identifier, the
   * submitter's user id, the organization's id; null for jobs with no share identifier or
   * no recorded submitter.
   */
  key: string | null;
  /** How to show it: the email for a user ("deleted user <id>" once gone), the organization's name. */
  label: string;
  /** By user: the submitter's email, null when unknown (no submitter, or the user is deleted). */
  email?: string | null;
}

export interface UsageDayGroup extends UsageGroup {
  day: string;
}

export interface UsageReport {
  from: string;
  to: string;
  groupBy: UsageGroupBy;
  totals: UsageFigures;
  /** One per group, most vCPU time first. */
  groups: UsageGroup[];
  /** With `byDay`: one per (day, group) that used anything, by day then group; otherwise empty. */
  byDay: UsageDayGroup[];
}

export const NO_SHARE_LABEL = "(no share identifier)";
export const NO_USER_LABEL = "(no submitter recorded)";

interface GroupSql {
  key: Prisma.Sql;
  label: Prisma.Sql;
  join: Prisma.Sql;
}

const NO_JOIN = Prisma.empty;
const GROUP_SQL: Record<UsageGroupBy, GroupSql> = {
  day: { key: Prisma.sql`u."day"`, label: Prisma.sql`u."day"`, join: NO_JOIN },
  queue: { key: Prisma.sql`u."jobQueueName"`, label: Prisma.sql`u."jobQueueName"`, join: NO_JOIN },
  definition: { key: Prisma.sql`u."jobDefinitionName"`, label: Prisma.sql`u."jobDefinitionName"`, join: NO_JOIN },
  share: { key: Prisma.sql`u."shareIdentifier"`, label: Prisma.sql`u."shareIdentifier"`, join: NO_JOIN },
  user: {
    key: Prisma.sql`u."submittedById"`,
    label: Prisma.sql`usr."email"`,
    join: Prisma.sql`LEFT JOIN "User" usr ON usr."id" = u."submittedById"`,
  },
  organization: {
    key: Prisma.sql`u."organizationId"`,
    label: Prisma.sql`org."name"`,
    join: Prisma.sql`LEFT JOIN "Organization" org ON org."id" = u."organizationId"`,
  },
};

// Integer sums as text: exact on both databases (PostgreSQL's SUM of bigint is numeric, which
// drivers hand back in several shapes), read with BigInt.
const FIGURES = Prisma.sql`COUNT(DISTINCT u."attemptId") AS "attempts",
  SUM(u."durationMs" * u."vcpus") AS "vcpuMs",
  CAST(SUM(u."durationMs" * u."memoryMiB") AS TEXT) AS "memoryMiBMs",
  CAST(SUM(u."durationMs" * u."gpus") AS TEXT) AS "gpuMs"`;

interface FigureRow {
  attempts: number | bigint | string;
  vcpuMs: number | string | null;
  memoryMiBMs: string | null;
  gpuMs: string | null;
}

interface GroupRow extends FigureRow {
  key: string | null;
  label: string | null;
  day?: string;
}

export async function usageReport(db: RawSql, options: UsageReportOptions): Promise<UsageReport> {
  const sql = rawSql(db);
  const group = GROUP_SQL[options.groupBy];
  const where = Prisma.sql`WHERE ${scopeSql(options.scope)} AND u."day" >= ${options.from} AND u."day" <= ${options.to}`;
  const [totalRows, groupRows, dayRows] = await Promise.all([
    sql.$queryRaw<FigureRow[]>`SELECT ${FIGURES} FROM "UsageRecord" u ${where}`,
    sql.$queryRaw<GroupRow[]>`
      SELECT ${group.key} AS "key", ${group.label} AS "label", ${FIGURES}
      FROM "UsageRecord" u ${group.join} ${where}
      GROUP BY ${group.key}, ${group.label}`,
    options.byDay
      ? sql.$queryRaw<GroupRow[]>`
      SELECT u."day" AS "day", ${group.key} AS "key", ${group.label} AS "label", ${FIGURES}
      FROM "UsageRecord" u ${group.join} ${where}
      GROUP BY u."day", ${group.key}, ${group.label}`
      : Promise.resolve([]),
  ]);
  const groups = groupRows.map((r) => toGroup(options.groupBy, r));
  groups.sort((a, b) => b.vcpuMs - a.vcpuMs || compareKeys(a.key, b.key));
  const byDay = dayRows.map((r) => ({ day: String(r.day), ...toGroup(options.groupBy, r) }));
  byDay.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : compareKeys(a.key, b.key)));
  return {
    from: options.from,
    to: options.to,
    groupBy: options.groupBy,
    totals: toFigures(totalRows[0] ?? { attempts: 0, vcpuMs: null, memoryMiBMs: null, gpuMs: null }),
    groups,
    byDay,
  };
}

function scopeSql(scope: UsageScope): Prisma.Sql {
  if ("organizationId" in scope) return Prisma.sql`u."organizationId" = ${scope.organizationId}`;
  if (scope.allOrganizations === true) return Prisma.sql`1 = 1`;
  throw new Error("usageReport: a scope is an organization or every organization");
}

const compareKeys = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;

function toGroup(groupBy: UsageGroupBy, row: GroupRow): UsageGroup {
  const key = row.key === null || row.key === undefined ? null : String(row.key);
  const label = labelOf(groupBy, key, row.label);
  if (groupBy === "user") return { key, label, email: row.label ?? null, ...toFigures(row) };
  return { key, label, ...toFigures(row) };
}

function labelOf(groupBy: UsageGroupBy, key: string | null, label: string | null): string {
  if (groupBy === "share" && key === null) return NO_SHARE_LABEL;
  if (groupBy === "user") {
    if (key === null) return NO_USER_LABEL;
    return label ?? `deleted user ${key}`;
  }
  if (groupBy === "organization") return label ?? `deleted organization ${key}`;
  return label ?? key ?? "";
}

function toFigures(row: FigureRow): UsageFigures {
  const vcpuMs = Number(row.vcpuMs ?? 0);
  const memoryMiBMs = exactInteger(row.memoryMiBMs);
  const gpuMs = exactInteger(row.gpuMs);
  return {
    attempts: Number(row.attempts ?? 0),
    vcpuMs,
    memoryMiBMs,
    gpuMs,
    vcpuSeconds: vcpuMs / 1000,
    memoryGiBSeconds: Number(memoryMiBMs) / 1_024_000,
    gpuSeconds: Number(gpuMs) / 1000,
  };
}

/** An integer sum read as text ("123", or "123.0" should a database hand back a real). */
function exactInteger(value: string | number | bigint | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === "bigint") return value;
  const text = String(value).replace(/\.0*$/, "");
  return BigInt(text);
}
