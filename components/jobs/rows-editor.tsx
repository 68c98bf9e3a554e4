"use client";

import { useId } from "react";
import { FieldErrors } from "@/components/ui/field";

const input =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 aria-[invalid=true]:border-red-500";

/**
 * Name/value rows (parameters, environment, tags): each row's inputs are labelled for screen
 * readers with the row number; errors for the whole group show under it.
 */
export function PairRows<K extends string, V extends string>({
  legend,
  rows,
  keyName,
  valueName,
  keyLabel,
  valueLabel,
  addLabel,
  errors,
  hint,
  onChange,
}: {
  legend: string;
  rows: Record<K | V, string>[];
  keyName: K;
  valueName: V;
  keyLabel: string;
  valueLabel: string;
  addLabel: string;
  errors?: string[];
  hint?: string;
  onChange: (rows: Record<K | V, string>[]) => void;
}) {
  const id = useId();
  const set = (i: number, field: K | V, value: string) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  return (
    <fieldset aria-describedby={errors?.length ? `${id}-err` : undefined}>
      <legend className="mb-1 text-sm font-medium text-slate-700">{legend}</legend>
      {hint ? <p className="mb-2 text-xs text-slate-500">{hint}</p> : null}
      <div className="space-y-2">
        {rows.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
          <div key={i} className="flex gap-2">
            <input
              aria-label={`${keyLabel} ${i + 1}`}
              className={input}
              value={row[keyName]}
              aria-invalid={errors?.length ? true : undefined}
              onChange={(e) => set(i, keyName, e.target.value)}
            />
            <input
              aria-label={`${valueLabel} ${i + 1}`}
              className={input}
              value={row[valueName]}
              onChange={(e) => set(i, valueName, e.target.value)}
            />
            <button
              type="button"
              aria-label={`Remove ${keyLabel.toLowerCase()} ${i + 1}`}
              className="rounded-md px-2 text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
      </div>
      <button
        type="button"
        className="mt-2 text-sm font-medium text-indigo-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        onClick={() => onChange([...rows, { [keyName]: "", [valueName]: "" } as Record<K | V, string>])}
      >
        + {addLabel}
      </button>
      <FieldErrors id={`${id}-err`} errors={errors} />
    </fieldset>
  );
}

export const inputClass = input;
