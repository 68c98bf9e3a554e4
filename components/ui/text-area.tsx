import clsx from "clsx";
import { type ReactNode, type TextareaHTMLAttributes, useId } from "react";
import { FieldErrors } from "./field";

// A labelled multi-line field, like TextField: commands, JSON requests, secret values. Text is
// monospaced and never spell-checked, since what goes in is read by programs, not people.

const control =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 aria-[invalid=true]:border-red-500";

export function TextArea({
  label,
  errors,
  hint,
  describeWithHint = false,
  labelAside,
  dense = false,
  className,
  inputClassName,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  errors?: string[];
  hint?: ReactNode;
  /** Screen readers read the hint with the field (a secret's "never shown again"), not only below it. */
  describeWithHint?: boolean;
  /** A control beside the label (a "Show value" toggle). */
  labelAside?: ReactNode;
  /** Smaller text, for a long machine-readable document such as a JSON request. */
  dense?: boolean;
  /** Extra classes for the <textarea> itself (masking a secret). */
  inputClassName?: string;
}) {
  const id = useId();
  const describedBy = [describeWithHint && hint ? `${id}-hint` : null, errors?.length ? `${id}-err` : null]
    .filter(Boolean)
    .join(" ");
  const labelElement = (
    <label htmlFor={id} className={clsx("block text-sm font-medium text-slate-700", !labelAside && "mb-1")}>
      {label}
    </label>
  );
  return (
    <div className={className}>
      {labelAside ? (
        <div className="mb-1 flex items-center justify-between gap-3">
          {labelElement}
          {labelAside}
        </div>
      ) : (
        labelElement
      )}
      <textarea
        id={id}
        spellCheck={false}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={clsx(control, dense ? "text-xs" : "text-sm", inputClassName)}
        {...props}
      />
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}
