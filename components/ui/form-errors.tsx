"use client";

import { useEffect, useRef } from "react";
import type { SummaryItem } from "@/lib/console/field-errors";

const CONTROLS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

/**
 * The control of a form field: the element marked `data-field="<field>"` (a control, or a group
 * whose first control is taken), else the control whose <label> reads `label`, else the first
 * control of the fieldset whose <legend> reads it.
 */
function fieldControl(form: HTMLElement, field: string | null, label: string | null): HTMLElement | null {
  if (field) {
    const marked = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`);
    if (marked) return marked.matches(CONTROLS) ? marked : (marked.querySelector<HTMLElement>(CONTROLS) ?? marked);
  }
  if (!label) return null;
  for (const l of form.querySelectorAll("label")) {
    if (l.textContent?.trim() === label && l.control) return l.control;
  }
  for (const legend of form.querySelectorAll("legend")) {
    if (legend.textContent?.trim() === label) return legend.parentElement?.querySelector<HTMLElement>(CONTROLS) ?? null;
  }
  return null;
}

function focusField(form: HTMLElement | null, item: SummaryItem) {
  const control = form ? fieldControl(form, item.field, item.label) : null;
  if (!control) return false;
  control.focus();
  control.scrollIntoView({ block: "center" });
  return true;
}

/**
 * A form's errors in one place, announced (role="alert") and listed by the fields' labels, each
 * a button that focuses its field. Every time `attempt` changes (a failed submit), focus moves
 * to the first field listed, so an error beside a field scrolled out of view is never silent.
 * Items come in the form's order (lib/console/field-errors.ts summaryItems).
 */
export function ErrorSummary({
  items,
  attempt,
  title = "Fix these and submit again:",
}: {
  items: SummaryItem[];
  attempt: number;
  title?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  // Focus moves once per failed submit (attempt), not on every edit of the items.
  useEffect(() => {
    if (attempt === 0) return;
    const form = ref.current?.closest("form") ?? null;
    const first = itemsRef.current.find((i) => i.field !== null && focusField(form, i));
    if (!first) ref.current?.focus();
  }, [attempt]);
  if (items.length === 0) return null;
  const onlyGeneral = items.length === 1 && items[0]?.field === null;
  return (
    <div
      ref={ref}
      role="alert"
      tabIndex={-1}
      className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200 focus:outline-none"
    >
      {onlyGeneral ? (
        items[0]?.messages.join(" ")
      ) : (
        <>
          <p className="font-medium">{title}</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {items.map((item) => (
              <li key={item.field ?? "_"}>
                {item.label ? (
                  <>
                    <button
                      type="button"
                      className="font-medium underline hover:text-red-900"
                      onClick={(e) => focusField(e.currentTarget.closest("form"), item)}
                    >
                      {item.label}
                    </button>
                    :{" "}
                  </>
                ) : null}
                {item.messages.join(" ")}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
