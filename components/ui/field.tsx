import clsx from "clsx";
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from "react";

/** A form control's look (a select or input laid out by hand, outside TextField and SelectField). */
export const controlClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 aria-[invalid=true]:border-red-500";

export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {errors.join(" ")}
    </p>
  );
}

export function TextField({
  label,
  errors,
  hint,
  className,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { label: string; errors?: string[]; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-err` : undefined}
        className={controlClass}
        {...props}
      />
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}

export function SelectField({
  label,
  errors,
  children,
  className,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; errors?: string[] }) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-err` : undefined}
        className={clsx(controlClass, "pr-8")}
        {...props}
      >
        {children}
      </select>
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}
