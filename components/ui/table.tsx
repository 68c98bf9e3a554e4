import clsx from "clsx";
import type { HTMLAttributes, ReactNode } from "react";
import { ScrollRegion } from "./scroll-region";

// The console's list tables: a <table> named by `label` (screen readers announce it, and specs
// find it by that name), column headers scoped to their columns, one row per item, and, when
// there are none, a sentence in place of an empty table. The table scrolls sideways inside its
// own box (`relative`, so screen-reader-only text cannot widen the page on a phone), which, when
// it does, is a focusable labelled region with a shadow and a "scroll sideways" line
// (ScrollRegion). The cells are the caller's: each table knows how its figures and actions read.

export interface Column {
  /** What the column holds; with `hidden`, said only to screen readers (an actions column). */
  header: ReactNode;
  hidden?: boolean;
  /** A column of figures aligned to the right, as its cells are. */
  align?: "right";
  /** Extra classes for the header cell (a fixed width). */
  className?: string;
}

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string };

export function Table<Row>({
  label,
  columns,
  rows,
  rowKey,
  renderRow,
  rowClassName,
  rowProps,
  empty,
  ruledHeader = false,
  className,
}: {
  label: string;
  /** Left to right; `false` or `null` leaves out a column the reader may not use. */
  columns: (Column | false | null | undefined)[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  /** A row's cells: <td>s, or a component that renders them. */
  renderRow: (row: Row, index: number) => ReactNode;
  rowClassName?: string;
  /** Per-row attributes (data-* for the row's identity, a class by its content). */
  rowProps?: (row: Row, index: number) => RowAttributes;
  /** Shown instead of the table when there are no rows; without it the header stands alone. */
  empty?: ReactNode;
  /** A rule between the header and the first row too (the live lists), not only between rows. */
  ruledHeader?: boolean;
  /** Extra classes for the <table> (a minimum width below which it scrolls). */
  className?: string;
}) {
  if (rows.length === 0 && empty !== undefined) return <div className="text-sm text-slate-600">{empty}</div>;
  const shown = columns.filter((c): c is Column => Boolean(c));
  // A row's actions (the last column, its header said only to screen readers) stay at the right
  // edge of a table wider than its card from a tablet up, so Delete is never cut off; on a phone
  // they scroll with the row (pinned, they would cover most of it).
  const pinActions = shown.at(-1)?.hidden === true;
  return (
    <ScrollRegion label={label}>
      <table
        className={clsx("w-full text-left text-sm", pinActions && "table-pinned-actions", className)}
        aria-label={label}
      >
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            {shown.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed by their place
              <HeaderCell key={i} column={c} />
            ))}
          </tr>
        </thead>
        <tbody className={ruledHeader ? undefined : "divide-y divide-slate-100"}>
          {rows.map((row, i) => {
            const props = rowProps?.(row, i);
            return (
              <tr
                key={rowKey(row, i)}
                {...props}
                className={clsx(ruledHeader && "border-t border-slate-100", rowClassName, props?.className)}
              >
                {renderRow(row, i)}
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function HeaderCell({ column }: { column: Column }) {
  if (column.hidden) {
    return (
      <th scope="col" className={clsx("pb-2", column.className)}>
        <span className="sr-only">{column.header}</span>
      </th>
    );
  }
  return (
    <th
      scope="col"
      className={clsx("pb-2 font-medium", column.align === "right" ? "text-right" : "pr-4", column.className)}
    >
      {column.header}
    </th>
  );
}
