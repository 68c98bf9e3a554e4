import clsx from "clsx";

// One colour per status, readable on white (AA contrast) and never colour alone: the word is
// always shown.
const TONES: Record<string, string> = {
  SUBMITTED: "bg-slate-100 text-slate-700 ring-slate-300",
  PENDING: "bg-amber-50 text-amber-800 ring-amber-300",
  RUNNABLE: "bg-sky-50 text-sky-800 ring-sky-300",
  STARTING: "bg-indigo-50 text-indigo-800 ring-indigo-300",
  RUNNING: "bg-indigo-600 text-white ring-indigo-700",
  SUCCEEDED: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  FAILED: "bg-red-50 text-red-800 ring-red-300",
};

export function StatusBadge({ status, className }: { status: string; className?: string }) {
  return (
    <span
      data-status={status}
      className={clsx(
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset",
        TONES[status] ?? "bg-slate-100 text-slate-700 ring-slate-300",
        className,
      )}
    >
      {status}
    </span>
  );
}

export const STATUS_FILL: Record<string, string> = {
  SUBMITTED: "#e2e8f0",
  PENDING: "#fde68a",
  RUNNABLE: "#bae6fd",
  STARTING: "#c7d2fe",
  RUNNING: "#6366f1",
  SUCCEEDED: "#a7f3d0",
  FAILED: "#fecaca",
  UNKNOWN: "#f1f5f9",
};
