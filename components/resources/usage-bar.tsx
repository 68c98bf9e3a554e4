import clsx from "clsx";

/** "used / max" with a thin bar under it; the text carries the numbers for screen readers. */
export function UsageBar({ used, max, unit, label }: { used: number; max: number; unit?: string; label: string }) {
  const share = max > 0 ? Math.min(1, used / max) : 0;
  const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, ""));
  return (
    <div className="min-w-28" title={`${label}: ${round(used)} of ${round(max)}${unit ? ` ${unit}` : ""} in use`}>
      <div className="whitespace-nowrap tabular-nums">
        {round(used)} / {round(max)}
        {unit ? <span className="text-slate-500"> {unit}</span> : null}
      </div>
      <div className="mt-1 h-1.5 rounded bg-slate-200" aria-hidden="true">
        <div
          className={clsx("h-1.5 rounded", share >= 0.9 ? "bg-amber-500" : "bg-indigo-500")}
          style={{ width: `${share * 100}%` }}
        />
      </div>
    </div>
  );
}
