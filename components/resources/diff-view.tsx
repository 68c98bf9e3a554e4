import clsx from "clsx";
import { type DiffLine, diffStats } from "@/components/resources/lib/line-diff";
import { ScrollRegion } from "@/components/ui/scroll-region";

/**
 * A unified line diff: removals red with "-", additions green with "+", line numbers of both sides
 * (slate-600 on white or the tinted rows: at least 4.5:1, WCAG 1.4.3).
 */
export function DiffView({
  lines,
  oldLabel,
  newLabel,
  note,
}: {
  lines: DiffLine[];
  oldLabel: string;
  newLabel: string;
  /** What the comparison leaves out, said under the summary. */
  note?: string;
}) {
  const { added, removed } = diffStats(lines);
  return (
    <div>
      <p className="mb-2 text-sm text-slate-700" data-testid="diff-summary">
        {added === 0 && removed === 0 ? (
          `No differences between ${oldLabel} and ${newLabel}.`
        ) : (
          <>
            From {oldLabel} to {newLabel}: <span className="font-medium text-emerald-800">{added} added</span>,{" "}
            <span className="font-medium text-red-800">{removed} removed</span>.
          </>
        )}
      </p>
      {note ? <p className="mb-2 text-xs text-slate-600">{note}</p> : null}
      <ScrollRegion
        label={`Differences between ${oldLabel} and ${newLabel}`}
        className="rounded-md ring-1 ring-slate-200"
      >
        <table className="w-full font-mono text-xs" aria-label={`Differences between ${oldLabel} and ${newLabel}`}>
          <tbody>
            {lines.map((l, i) => (
              <tr
                // biome-ignore lint/suspicious/noArrayIndexKey: diff lines are positional
                key={i}
                data-kind={l.kind}
                className={clsx(l.kind === "added" && "bg-emerald-50", l.kind === "removed" && "bg-red-50")}
              >
                <td className="w-10 select-none px-2 text-right text-slate-600">{l.oldLine ?? ""}</td>
                <td className="w-10 select-none px-2 text-right text-slate-600">{l.newLine ?? ""}</td>
                <td
                  className={clsx(
                    "w-4 select-none text-center",
                    l.kind === "added" ? "text-emerald-700" : l.kind === "removed" ? "text-red-700" : "text-slate-600",
                  )}
                >
                  {l.kind === "added" ? "+" : l.kind === "removed" ? "-" : " "}
                  <span className="sr-only">
                    {l.kind === "added" ? " added" : l.kind === "removed" ? " removed" : ""}
                  </span>
                </td>
                <td
                  className={clsx(
                    "whitespace-pre px-2",
                    l.kind === "added" && "text-emerald-900",
                    l.kind === "removed" && "text-red-900",
                  )}
                >
                  {l.text}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </div>
  );
}
