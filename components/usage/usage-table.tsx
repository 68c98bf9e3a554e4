// The Usage page's table: one row per group with its attempts and vCPU, memory and GPU hours,
// most vCPU time first, and the range's totals last.
import clsx from "clsx";
import { Table } from "@/components/ui/table";
import type { UsageFigures, UsageGroup } from "@/lib/usage/usage-report";
import { formatCount, formatHours } from "./lib/format";

type Row = { kind: "group"; group: UsageGroup } | { kind: "total"; figures: UsageFigures };

export function UsageTable({
  groupTitle,
  groups,
  totals,
}: {
  groupTitle: string;
  groups: UsageGroup[];
  totals: UsageFigures;
}) {
  const rows: Row[] = [
    ...groups.map((group): Row => ({ kind: "group", group })),
    ...(groups.length > 0 ? [{ kind: "total", figures: totals } as Row] : []),
  ];
  return (
    <Table
      label={`Usage by ${groupTitle.toLowerCase()}`}
      columns={[
        { header: groupTitle },
        { header: "Attempts", align: "right" },
        { header: "vCPU-hours", align: "right" },
        { header: "Memory GiB-hours", align: "right" },
        { header: "GPU-hours", align: "right" },
      ]}
      rows={rows}
      rowKey={(r) =>
        r.kind === "total" ? "total" : `${r.group.key === null ? "none" : "key"}:${r.group.key ?? r.group.label}`
      }
      rowProps={(r) => ({ className: clsx(r.kind === "total" && "border-t-2 border-slate-200 font-medium") })}
      empty="No attempt ran in this range."
      renderRow={(r) => {
        const f = r.kind === "total" ? r.figures : r.group;
        const figure = "py-2 pl-4 text-right tabular-nums whitespace-nowrap";
        return (
          <>
            {r.kind === "total" ? (
              <th scope="row" className="py-2 pr-4 text-left">
                Total
              </th>
            ) : (
              <td className={clsx("py-2 pr-4 break-all", r.group.key === null && "text-slate-500")}>{r.group.label}</td>
            )}
            <td className={figure}>{formatCount(f.attempts)}</td>
            <td className={figure}>{formatHours(f.vcpuSeconds / 3600)}</td>
            <td className={figure}>{formatHours(f.memoryGiBSeconds / 3600)}</td>
            <td className={figure}>{formatHours(f.gpuSeconds / 3600)}</td>
          </>
        );
      }}
    />
  );
}
