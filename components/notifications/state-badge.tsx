import clsx from "clsx";

// An endpoint's state (ACTIVE, PAUSED, INACTIVE) or a delivery's status (PENDING, DELIVERED,
// FAILED), in a colour that says whether anything needs doing.
const TONES: Record<string, string> = {
  ACTIVE: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  DELIVERED: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  PAUSED: "bg-amber-50 text-amber-900 ring-amber-200",
  PENDING: "bg-sky-50 text-sky-800 ring-sky-200",
  FAILED: "bg-red-50 text-red-800 ring-red-200",
};

export function StateBadge({ value }: { value: string }) {
  return (
    <span
      className={clsx(
        "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1",
        TONES[value] ?? "bg-slate-100 text-slate-700 ring-slate-300",
      )}
    >
      {value}
    </span>
  );
}
