"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { createJobQueueAction, updateJobQueueAction } from "@/app/(console)/job-queues/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FieldErrors, SelectField, TextField } from "@/components/ui/field";
import { TRANSITIONS } from "@/lib/batch/states";
import { groupErrors, numberField } from "@/lib/console/field-errors";
import type { JobQueueFormValues } from "@/lib/console/job-queue-values";

type Field = "name" | "priority" | "state" | "environments" | "schedulingPolicyArn" | "timeLimits";

function fieldFor(path: string, message: string): Field | "_" {
  if (path === "jobQueueName") return "name";
  if (path === "priority") return "priority";
  if (path === "state") return "state";
  if (path.startsWith("computeEnvironmentOrder")) return "environments";
  if (path.startsWith("schedulingPolicyArn")) return "schedulingPolicyArn";
  if (path.startsWith("jobStateTimeLimitActions")) return "timeLimits";
  if (message.includes("computeEnvironmentOrder")) return "environments";
  return "_";
}

const control =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500";

export function JobQueueForm({
  mode,
  initial,
  environments,
  policies,
}: {
  mode: "create" | "edit";
  initial: JobQueueFormValues;
  /** Every compute environment of the organization, by name, with its state. */
  environments: { name: string; state: string }[];
  policies: { name: string; arn: string }[];
}) {
  const router = useRouter();
  const id = useId();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<Field | "_", string[]>>>({});
  const [pending, start] = useTransition();
  const [adding, setAdding] = useState("");
  const set = (patch: Partial<JobQueueFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const available = environments.filter((e) => !values.environments.includes(e.name));
  const move = (i: number, by: -1 | 1) => {
    const list = [...values.environments];
    const j = i + by;
    [list[i], list[j]] = [list[j] as string, list[i] as string];
    set({ environments: list });
  };
  // AWS will not give a FIFO queue a policy later, nor take one away (the domain says so);
  // the select is only offered where a change is possible.
  const policyLocked = mode === "edit" && initial.schedulingPolicyArn === "";

  const submit = () => {
    const request = {
      ...(mode === "create" ? { jobQueueName: values.name.trim() } : { jobQueue: initial.name }),
      priority: numberField(values.priority),
      state: values.state,
      computeEnvironmentOrder: values.environments.map((name, i) => ({ order: i + 1, computeEnvironment: name })),
      ...(values.schedulingPolicyArn && !(mode === "edit" && values.schedulingPolicyArn === initial.schedulingPolicyArn)
        ? { schedulingPolicyArn: values.schedulingPolicyArn }
        : {}),
      ...(mode === "edit" || values.timeLimits.length
        ? {
            jobStateTimeLimitActions: values.timeLimits.map((t) => ({
              reason: t.reason,
              // The one state AWS allows, the one the engine's timeLimitCancel move acts on.
              state: TRANSITIONS.timeLimitCancel.from[0],
              maxTimeSeconds: numberField(t.maxTimeSeconds),
              action: "CANCEL",
            })),
          }
        : {}),
    };
    start(async () => {
      const result =
        mode === "create"
          ? await createJobQueueAction(request as Parameters<typeof createJobQueueAction>[0])
          : await updateJobQueueAction(request as Parameters<typeof updateJobQueueAction>[0]);
      if (result.ok) {
        router.push(mode === "create" ? "/job-queues" : `/job-queues/${encodeURIComponent(initial.name)}`);
        return;
      }
      const grouped = groupErrors(result.fieldErrors, fieldFor);
      if (!result.fieldErrors) grouped._ = [result.error];
      setErrors(grouped);
    });
  };

  return (
    <form
      aria-label={mode === "create" ? "Create job queue" : `Edit job queue ${initial.name}`}
      className="max-w-2xl space-y-5"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {errors._ ? <Alert>{errors._.join(" ")}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        {mode === "create" ? (
          <TextField
            label="Name"
            className="sm:col-span-3"
            value={values.name}
            onChange={(e) => set({ name: e.target.value })}
            required
            maxLength={128}
            hint="Letters, numbers, hyphens and underscores."
            errors={errors.name}
          />
        ) : null}
        <TextField
          label="Priority"
          inputMode="numeric"
          value={values.priority}
          onChange={(e) => set({ priority: e.target.value })}
          hint="Higher runs first when queues share an environment."
          errors={errors.priority}
        />
        <SelectField
          label="State"
          className="sm:col-span-2"
          value={values.state}
          onChange={(e) => set({ state: e.target.value as JobQueueFormValues["state"] })}
          errors={errors.state}
        >
          <option value="ENABLED">ENABLED: accepts and runs jobs</option>
          <option value="DISABLED">DISABLED: refuses new jobs; queued ones wait</option>
        </SelectField>
      </div>

      <fieldset aria-describedby={errors.environments ? `${id}-env-err` : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-700">Compute environments, in order</legend>
        <p className="mb-2 text-xs text-slate-500">
          A job goes to the first environment with room for it. One to three environments.
        </p>
        {values.environments.length === 0 ? (
          <p className="mb-2 text-sm text-slate-600">None yet: add at least one.</p>
        ) : (
          <ol
            className="mb-2 divide-y divide-slate-100 rounded-md ring-1 ring-slate-200"
            aria-label="Environment order"
          >
            {values.environments.map((name, i) => (
              <li key={name} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm">
                <span className="w-5 tabular-nums text-slate-500">{i + 1}.</span>
                <span className="flex-1 font-medium">{name}</span>
                <Button variant="ghost" disabled={i === 0} aria-label={`Move ${name} up`} onClick={() => move(i, -1)}>
                  Up
                </Button>
                <Button
                  variant="ghost"
                  disabled={i === values.environments.length - 1}
                  aria-label={`Move ${name} down`}
                  onClick={() => move(i, 1)}
                >
                  Down
                </Button>
                <Button
                  variant="ghost"
                  aria-label={`Remove ${name}`}
                  onClick={() => set({ environments: values.environments.filter((n) => n !== name) })}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ol>
        )}
        {available.length && values.environments.length < 3 ? (
          <div className="flex flex-wrap items-end gap-2">
            <div className="min-w-48">
              <label htmlFor={`${id}-add`} className="mb-1 block text-sm font-medium text-slate-700">
                Add compute environment
              </label>
              <select id={`${id}-add`} className={control} value={adding} onChange={(e) => setAdding(e.target.value)}>
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
                set({ environments: [...values.environments, adding] });
                setAdding("");
              }}
            >
              Add
            </Button>
          </div>
        ) : environments.length === 0 ? (
          <p className="text-sm text-slate-600">This organization has no compute environments; create one first.</p>
        ) : null}
        <FieldErrors id={`${id}-env-err`} errors={errors.environments} />
      </fieldset>

      <SelectField
        label="Scheduling policy"
        value={values.schedulingPolicyArn}
        disabled={policyLocked}
        onChange={(e) => set({ schedulingPolicyArn: e.target.value })}
        errors={errors.schedulingPolicyArn}
      >
        {mode === "create" || policyLocked ? <option value="">None: first in, first out</option> : null}
        {policies.map((p) => (
          <option key={p.arn} value={p.arn}>
            {p.name} (fair share)
          </option>
        ))}
      </SelectField>
      <p className="-mt-3 text-xs text-slate-500">
        {policyLocked
          ? "This queue was created first-in-first-out; a policy can only be chosen when a queue is created."
          : "With a fair-share policy, jobs carry a share identifier and shares take turns by weight. It can't be removed later."}
      </p>

      <fieldset aria-describedby={errors.timeLimits ? `${id}-tl-err` : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-700">Cancel jobs stuck RUNNABLE (optional)</legend>
        <p className="mb-2 text-xs text-slate-500">
          A job that stays RUNNABLE longer than the limit (600–86400 seconds) is cancelled with the reason given.
        </p>
        <div className="space-y-2">
          {values.timeLimits.map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
            <div key={i} className="flex flex-wrap items-center gap-2">
              <input
                aria-label={`Time limit ${i + 1} reason`}
                placeholder="Reason, e.g. MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"
                className={`${control} min-w-48 flex-[2]`}
                value={t.reason}
                onChange={(e) =>
                  set({ timeLimits: values.timeLimits.map((x, j) => (j === i ? { ...x, reason: e.target.value } : x)) })
                }
              />
              <input
                aria-label={`Time limit ${i + 1} seconds`}
                placeholder="Seconds"
                inputMode="numeric"
                className={`${control} w-28`}
                value={t.maxTimeSeconds}
                onChange={(e) =>
                  set({
                    timeLimits: values.timeLimits.map((x, j) =>
                      j === i ? { ...x, maxTimeSeconds: e.target.value } : x,
                    ),
                  })
                }
              />
              <Button
                variant="ghost"
                aria-label={`Remove time limit ${i + 1}`}
                onClick={() => set({ timeLimits: values.timeLimits.filter((_, j) => j !== i) })}
              >
                Remove
              </Button>
            </div>
          ))}
        </div>
        <Button
          variant="secondary"
          className="mt-2"
          onClick={() => set({ timeLimits: [...values.timeLimits, { reason: "", maxTimeSeconds: "3600" }] })}
        >
          Add time limit
        </Button>
        <FieldErrors id={`${id}-tl-err`} errors={errors.timeLimits} />
      </fieldset>

      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : mode === "create" ? "Create job queue" : "Save changes"}
        </Button>
        <Button variant="secondary" onClick={() => router.back()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
