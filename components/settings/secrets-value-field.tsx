"use client";

import clsx from "clsx";
import { useId, useState } from "react";
import { FieldErrors } from "@/components/ui/field";

/**
 * A secret's value: a textarea (JSON documents and PEM keys span lines) masked like a password
 * field until "Show" is ticked. Never prefilled: the stored value is not sent to the browser.
 */
export function SecretValueField({
  label = "Value",
  value,
  onChange,
  errors,
}: {
  label?: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
}) {
  const id = useId();
  const [shown, setShown] = useState(false);
  return (
    <div>
      <div className="mb-1 flex items-center justify-between gap-3">
        <label htmlFor={id} className="block text-sm font-medium text-slate-700">
          {label}
        </label>
        <label className="inline-flex items-center gap-1 text-xs text-slate-600">
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
          Show value
        </label>
      </div>
      <textarea
        id={id}
        name="value"
        rows={3}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        spellCheck={false}
        data-1p-ignore
        data-lpignore="true"
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={`${id}-hint${errors?.length ? ` ${id}-err` : ""}`}
        className={clsx(
          "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 aria-[invalid=true]:border-red-500",
          !shown && "[-webkit-text-security:disc]",
        )}
      />
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
        Stored encrypted. The value is never shown again after saving, not even to you: to change it, replace it.
      </p>
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}
