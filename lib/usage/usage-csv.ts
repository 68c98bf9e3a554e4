// A usage report as CSV (RFC 4180: comma-separated, CRLF, fields quoted when they hold a quote,
// comma or line break): a header row, then one row per (day, group) with exact figures
// (lib/usage/units.ts). Text that a spreadsheet would run as a formula (= + - @, tab, CR first)
// is prefixed with an apostrophe, as OWASP advises for CSV exports.
import { exactFigures } from "./units";
import type { UsageDayGroup, UsageGroupBy, UsageReport } from "./usage-report";

const GROUP_COLUMNS: Record<UsageGroupBy, { headers: string[]; cells: (r: UsageDayGroup) => string[] }> = {
  day: { headers: [], cells: () => [] },
  queue: { headers: ["job_queue"], cells: (r) => [r.key ?? ""] },
  definition: { headers: ["job_definition"], cells: (r) => [r.key ?? ""] },
  share: { headers: ["share_identifier"], cells: (r) => [r.key ?? ""] },
  user: {
    headers: ["user_email", "user_id"],
    cells: (r) => [r.email ?? "", r.key ?? ""],
  },
  organization: { headers: ["organization", "organization_id"], cells: (r) => [r.label, r.key ?? ""] },
};

const FIGURE_HEADERS = ["attempts", "vcpu_seconds", "memory_gib_seconds", "gpu_seconds"];

export function usageCsv(report: UsageReport): string {
  const group = GROUP_COLUMNS[report.groupBy];
  const lines = [["day", ...group.headers, ...FIGURE_HEADERS]];
  for (const r of report.byDay) {
    const f = exactFigures(r);
    lines.push([
      r.day,
      ...group.cells(r).map(text),
      String(r.attempts),
      f.vcpuSeconds,
      f.memoryGiBSeconds,
      f.gpuSeconds,
    ]);
  }
  return `${lines.map((cells) => cells.map(csvField).join(",")).join("\r\n")}\r\n`;
}

export function usageCsvFilename(report: Pick<UsageReport, "from" | "to" | "groupBy">): string {
  return `usage-${report.from}-to-${report.to}-by-${report.groupBy}.csv`;
}

/** Free text (names, emails) defused for spreadsheets. */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
