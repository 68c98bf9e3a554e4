"use client";

import { Button } from "@/components/ui/button";
import { FieldErrors } from "@/components/ui/field";
import type { Pair } from "@/lib/console/job-definition-form";

const control =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500";

/** Rows of key and value (tags, parameters, environment variables), added and removed freely. */
export function PairsEditor({
  legend,
  hint,
  keyLabel = "Key",
  valueLabel = "Value",
  addLabel,
  pairs,
  onChange,
  errors,
  idPrefix,
}: {
  legend: string;
  hint?: string;
  keyLabel?: string;
  valueLabel?: string;
  addLabel: string;
  pairs: Pair[];
  onChange: (pairs: Pair[]) => void;
  errors?: string[];
  idPrefix: string;
}) {
  const set = (i: number, patch: Partial<Pair>) => onChange(pairs.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <fieldset
      aria-invalid={errors?.length ? true : undefined}
      aria-describedby={errors?.length ? `${idPrefix}-err` : undefined}
    >
      <legend className="mb-1 text-sm font-medium text-slate-700">{legend}</legend>
      {hint ? <p className="mb-2 text-xs text-slate-500">{hint}</p> : null}
      {pairs.length === 0 ? <p className="mb-2 text-xs text-slate-500">None.</p> : null}
      <div className="space-y-2">
        {pairs.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
          <div key={i} className="flex flex-wrap items-center gap-2">
            <input
              aria-label={`${legend} ${keyLabel.toLowerCase()} ${i + 1}`}
              placeholder={keyLabel}
              className={`${control} min-w-32 flex-1`}
              value={p.key}
              onChange={(e) => set(i, { key: e.target.value })}
            />
            <input
              aria-label={`${legend} ${valueLabel.toLowerCase()} ${i + 1}`}
              placeholder={valueLabel}
              className={`${control} min-w-32 flex-[2]`}
              value={p.value}
              onChange={(e) => set(i, { value: e.target.value })}
            />
            <Button
              variant="ghost"
              aria-label={`Remove ${legend.toLowerCase()} row ${i + 1}`}
              onClick={() => onChange(pairs.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </div>
        ))}
      </div>
      <Button variant="secondary" className="mt-2" onClick={() => onChange([...pairs, { key: "", value: "" }])}>
        {addLabel}
      </Button>
      <FieldErrors id={`${idPrefix}-err`} errors={errors} />
    </fieldset>
  );
}
