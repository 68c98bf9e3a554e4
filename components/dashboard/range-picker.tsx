import clsx from "clsx";
import Link from "next/link";
import { RANGE_KEYS, RANGES, type RangeKey } from "@/lib/metrics/ranges";

/** The time range lives in the URL (?range=), so a view can be bookmarked and shared. */
export function RangePicker({ current }: { current: RangeKey }) {
  return (
    <nav aria-label="Time range" className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300">
      {RANGE_KEYS.map((key, i) => (
        <Link
          key={key}
          href={`/dashboard?range=${key}`}
          aria-current={key === current ? "page" : undefined}
          title={`Last ${RANGES[key].label}`}
          className={clsx(
            "px-3 py-1.5 text-sm focus-visible:relative focus-visible:outline-2 focus-visible:outline-indigo-600",
            i === 0 && "rounded-l-md",
            i === RANGE_KEYS.length - 1 && "rounded-r-md",
            i > 0 && "border-l border-slate-300",
            key === current ? "bg-indigo-600 font-medium text-white" : "bg-white text-slate-700 hover:bg-slate-50",
          )}
        >
          {key}
        </Link>
      ))}
    </nav>
  );
}
