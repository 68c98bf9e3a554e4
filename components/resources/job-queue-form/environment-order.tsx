"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { controlClass, FieldErrors } from "@/components/ui/field";

/**
 * A queue's compute environments, in the order jobs try them: add, move up or down, remove.
 * The one picked in "Add compute environment" is the form's (`adding`), so submitting without
 * pressing Add still counts it.
 */
export function EnvironmentOrder({
  chosen,
  all,
  errors,
  onChange,
  adding,
  onAddingChange,
}: {
  chosen: string[];
  /** Every compute environment of the organization, by name, with its state. */
  all: { name: string; state: string }[];
  errors?: string[];
  onChange: (chosen: string[]) => void;
  adding: string;
  onAddingChange: (name: string) => void;
}) {
  const id = useId();
  const setAdding = onAddingChange;
  const available = all.filter((e) => !chosen.includes(e.name));
  const move = (i: number, by: -1 | 1) => {
    const list = [...chosen];
    const j = i + by;
    [list[i], list[j]] = [list[j] as string, list[i] as string];
    onChange(list);
  };
  return (
    <fieldset aria-describedby={errors ? `${id}-env-err` : undefined}>
      <legend className="mb-1 text-sm font-medium text-slate-700">Compute environments, in order</legend>
      <p className="mb-2 text-xs text-slate-500">
        A job goes to the first environment with room for it. One to three environments.
      </p>
      {chosen.length === 0 ? (
        <p className="mb-2 text-sm text-slate-600">None yet: add at least one.</p>
      ) : (
        <ol className="mb-2 divide-y divide-slate-100 rounded-md ring-1 ring-slate-200" aria-label="Environment order">
          {chosen.map((name, i) => (
            <li key={name} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm">
              <span className="w-5 tabular-nums text-slate-500">{i + 1}.</span>
              <span className="flex-1 font-medium">{name}</span>
              <Button variant="ghost" disabled={i === 0} aria-label={`Move ${name} up`} onClick={() => move(i, -1)}>
                Up
              </Button>
              <Button
                variant="ghost"
                disabled={i === chosen.length - 1}
                aria-label={`Move ${name} down`}
                onClick={() => move(i, 1)}
              >
                Down
              </Button>
              <Button
                variant="ghost"
                aria-label={`Remove ${name}`}
                onClick={() => onChange(chosen.filter((n) => n !== name))}
              >
                Remove
              </Button>
            </li>
          ))}
        </ol>
      )}
      {available.length && chosen.length < 3 ? (
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-48">
            <label htmlFor={`${id}-add`} className="mb-1 block text-sm font-medium text-slate-700">
              Add compute environment
            </label>
            <select
              id={`${id}-add`}
              className={controlClass}
              value={adding}
              onChange={(e) => setAdding(e.target.value)}
            >
              <option value="">Choose…</option>
              {available.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                  {e.state === "DISABLED" ? " (disabled)" : ""}
                </option>
              ))}
            </select>
          </div>
          <Button
            variant="secondary"
            disabled={!adding}
            onClick={() => {
              onChange([...chosen, adding]);
              setAdding("");
            }}
          >
            Add
          </Button>
        </div>
      ) : all.length === 0 ? (
        <p className="text-sm text-slate-600">This organization has no compute environments; create one first.</p>
      ) : null}
      <FieldErrors id={`${id}-env-err`} errors={errors} />
    </fieldset>
  );
}
