"use client";

import { useState } from "react";
import { TextArea } from "@/components/ui/text-area";

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
  const [shown, setShown] = useState(false);
  return (
    <TextArea
      label={label}
      labelAside={
        <label className="inline-flex items-center gap-1 text-xs text-slate-600">
          <input type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
          Show value
        </label>
      }
      name="value"
      rows={3}
      required
      value={value}
      onChange={(e) => onChange(e.target.value)}
      autoComplete="off"
      autoCorrect="off"
      autoCapitalize="off"
      data-1p-ignore
      data-lpignore="true"
      errors={errors}
      hint="Stored encrypted. The value is never shown again after saving, not even to you: to change it, replace it."
      describeWithHint
      inputClassName={shown ? undefined : "[-webkit-text-security:disc]"}
    />
  );
}
