import { FieldErrors } from "@/components/ui/field";
import type { SubmitFormState } from "@/lib/batch/submit-form";
import { inputClass } from "../rows-editor";

/** evaluateOnExit: up to five rules, the first match deciding RETRY or EXIT. */
export function ExitRules({
  form,
  update,
  errors,
}: {
  form: SubmitFormState;
  update: (patch: Partial<SubmitFormState>) => void;
  errors?: string[];
}) {
  const rules = form.evaluateOnExit;
  const set = (i: number, patch: Partial<SubmitFormState["evaluateOnExit"][number]>) =>
    update({ evaluateOnExit: rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium text-slate-700">Retry rules (evaluateOnExit)</legend>
      <p className="mb-2 text-xs text-slate-500">
        Glob patterns on the exit code, reason or status reason; the first matching rule decides RETRY or EXIT.
      </p>
      <div className="space-y-2">
        {rules.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules are ordered, their place is their identity
          <div key={i} className="grid grid-cols-2 gap-2 sm:grid-cols-[1fr_1fr_1fr_8rem_auto]">
            <input
              aria-label={`Rule ${i + 1} exit code`}
              placeholder="Exit code, e.g. 137"
              className={inputClass}
              value={r.onExitCode}
              onChange={(e) => set(i, { onExitCode: e.target.value })}
            />
            <input
              aria-label={`Rule ${i + 1} reason`}
              placeholder="Reason"
              className={inputClass}
              value={r.onReason}
              onChange={(e) => set(i, { onReason: e.target.value })}
            />
            <input
              aria-label={`Rule ${i + 1} status reason`}
              placeholder="Status reason"
              className={inputClass}
              value={r.onStatusReason}
              onChange={(e) => set(i, { onStatusReason: e.target.value })}
            />
            <select
              aria-label={`Rule ${i + 1} action`}
              className={inputClass}
              value={r.action}
              onChange={(e) => set(i, { action: e.target.value === "EXIT" ? "EXIT" : "RETRY" })}
            >
              <option value="RETRY">RETRY</option>
              <option value="EXIT">EXIT</option>
            </select>
            <button
              type="button"
              aria-label={`Remove rule ${i + 1}`}
              className="rounded-md px-2 text-slate-500 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
              onClick={() => update({ evaluateOnExit: rules.filter((_, j) => j !== i) })}
            >
              ×
            </button>
          </div>
        ))}
      </div>
      {rules.length < 5 ? (
        <button
          type="button"
          className="mt-2 text-sm font-medium text-indigo-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          onClick={() =>
            update({
              evaluateOnExit: [...rules, { onExitCode: "", onReason: "", onStatusReason: "", action: "RETRY" }],
            })
          }
        >
          + Add rule
        </button>
      ) : null}
      <FieldErrors id="evaluate-on-exit-err" errors={errors} />
    </fieldset>
  );
}
