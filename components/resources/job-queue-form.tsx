"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createJobQueueAction, updateJobQueueAction } from "@/app/(console)/job-queues/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { groupErrors, inLabels } from "@/lib/console/field-errors";
import { environmentsToSubmit, type JobQueueFormValues } from "@/lib/console/job-queue-values";
import { EnvironmentOrder } from "./job-queue-form/environment-order";
import { type Field, fieldFor, JOB_QUEUE_LABELS, queueRequest } from "./job-queue-form/request";
import { TimeLimits } from "./job-queue-form/time-limits";

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
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<Field | "_", string[]>>>({});
  // The environment picked in "Add compute environment" and not added yet.
  const [adding, setAdding] = useState("");
  const [pending, start] = useTransition();
  const set = (patch: Partial<JobQueueFormValues>) => setValues((v) => ({ ...v, ...patch }));
  // AWS will not give a FIFO queue a policy later, nor take one away (the domain says so);
  // the select is only offered where a change is possible.
  const policyLocked = mode === "edit" && initial.schedulingPolicyArn === "";

  const submit = () => {
    const environments = environmentsToSubmit(values.environments, adding);
    if (environments.length !== values.environments.length) {
      set({ environments });
      setAdding("");
    }
    if (environments.length === 0) {
      setErrors({ environments: ["Add at least one compute environment: the queue's jobs run on them."] });
      return;
    }
    const request = queueRequest(mode, { ...values, environments }, initial);
    start(async () => {
      const result =
        mode === "create"
          ? await createJobQueueAction(request as Parameters<typeof createJobQueueAction>[0])
          : await updateJobQueueAction(request as Parameters<typeof updateJobQueueAction>[0]);
      if (result.ok) {
        router.push(mode === "create" ? "/job-queues" : `/job-queues/${encodeURIComponent(initial.name)}`);
        return;
      }
      const grouped = groupErrors(result.fieldErrors, fieldFor, JOB_QUEUE_LABELS);
      if (!result.fieldErrors) grouped._ = [inLabels(result.error, JOB_QUEUE_LABELS)];
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

      <EnvironmentOrder
        chosen={values.environments}
        all={environments}
        errors={errors.environments}
        onChange={(list) => set({ environments: list })}
        adding={adding}
        onAddingChange={setAdding}
      />

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

      <TimeLimits
        limits={values.timeLimits}
        errors={errors.timeLimits}
        onChange={(timeLimits) => set({ timeLimits })}
      />

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
