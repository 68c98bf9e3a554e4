import clsx from "clsx";

const TONES: Record<string, string> = {
  ENABLED: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  VALID: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  ACTIVE: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  DISABLED: "bg-slate-100 text-slate-700 ring-slate-300",
  INACTIVE: "bg-slate-100 text-slate-700 ring-slate-300",
  DELETED: "bg-slate-100 text-slate-700 ring-slate-300",
  INVALID: "bg-red-50 text-red-800 ring-red-200",
  CREATING: "bg-amber-50 text-amber-900 ring-amber-200",
  UPDATING: "bg-amber-50 text-amber-900 ring-amber-200",
  DELETING: "bg-amber-50 text-amber-900 ring-amber-200",
};

/** A state or status word (ENABLED, VALID, INACTIVE, …) in a colour that matches its meaning. */
export function Badge({ value, title }: { value: string; title?: string }) {
  return (
    <span
      title={title}
      className={clsx(
        "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1",
        TONES[value] ?? "bg-slate-100 text-slate-700 ring-slate-300",
      )}
    >
      {value}
    </span>
  );
}
