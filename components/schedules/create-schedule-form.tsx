"use client";

import { useId, useState, useTransition } from "react";
import { createScheduleAction } from "@/app/(console)/job-schedules/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { groupErrors, numberField } from "@/lib/console/field-errors";
import { COMMON_TIME_ZONES, MISSED_FIRE_LABELS, OVERLAP_LABELS } from "./format";

type Field =
  | "name"
  | "expression"
  | "timezone"
  | "state"
  | "jobQueue"
  | "jobDefinition"
  | "jobName"
  | "arraySize"
  | "attempts"
  | "missedFirePolicy"
  | "overlapPolicy";

/** The action's zod paths (the schedule and its SubmitJob target) → this form's fields. */
const FIELD_BY_PATH: Record<string, Field> = {
  name: "name",
  expression: "expression",
  timezone: "timezone",
  state: "state",
  "target.jobQueue": "jobQueue",
  "target.jobDefinition": "jobDefinition",
  "target.jobName": "jobName",
  "target.arrayProperties": "arraySize",
  "target.arrayProperties.size": "arraySize",
  "target.retryStrategy": "attempts",
  "target.retryStrategy.attempts": "attempts",
  missedFirePolicy: "missedFirePolicy",
  overlapPolicy: "overlapPolicy",
};

interface Values {
  name: string;
  expression: string;
  timezone: string;
  state: string;
  jobQueue: string;
  jobDefinition: string;
  jobName: string;
  arraySize: string;
  attempts: string;
  missedFirePolicy: string;
  overlapPolicy: string;
}

const empty = (queues: string[], definitions: string[]): Values => ({
  name: "",
  expression: "",
  timezone: "UTC",
  state: "ENABLED",
  jobQueue: queues.length === 1 ? (queues[0] ?? "") : "",
  jobDefinition: definitions.length === 1 ? (definitions[0] ?? "") : "",
  jobName: "",
  arraySize: "",
  attempts: "",
  missedFirePolicy: "LATEST",
  overlapPolicy: "ALLOW",
});

/**
 * A schedule and the job each fire submits (EventBridge Scheduler's CreateSchedule with a Batch
 * SubmitJob target). The values stay after a refusal, with the server's reason beside the field
 * it concerns or above the form; the page refreshes itself on success.
 */
export function CreateScheduleForm({ queues, definitions }: { queues: string[]; definitions: string[] }) {
  const [values, setValues] = useState<Values>(() => empty(queues, definitions));
  const [errors, setErrors] = useState<Partial<Record<Field | "_", string[]>>>({});
  const [pending, start] = useTransition();
  const zonesId = useId();
  const set = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  const submit = () =>
    start(async () => {
      const size = numberField(values.arraySize);
      const attempts = numberField(values.attempts);
      const result = await createScheduleAction({
        name: values.name.trim(),
        expression: values.expression.trim(),
        timezone: values.timezone.trim() || "UTC",
        state: values.state,
        missedFirePolicy: values.missedFirePolicy,
        overlapPolicy: values.overlapPolicy,
        target: {
          jobQueue: values.jobQueue,
          jobDefinition: values.jobDefinition,
          jobName: values.jobName.trim(),
          ...(size !== undefined ? { arrayProperties: { size } } : {}),
          ...(attempts !== undefined ? { retryStrategy: { attempts } } : {}),
        },
      } as Parameters<typeof createScheduleAction>[0]);
      if (result.ok) {
        setValues(empty(queues, definitions));
        setErrors({});
        return;
      }
      const grouped = groupErrors(result.fieldErrors, (path) => FIELD_BY_PATH[path] ?? "_");
      if (!result.fieldErrors) grouped._ = [result.error];
      setErrors(grouped);
    });

  return (
    <form
      aria-label="Create schedule"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {errors._ ? <Alert>{errors._.join(" ")}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          label="Name"
          value={values.name}
          onChange={set("name")}
          required
          maxLength={64}
          hint="Letters, numbers, hyphens, underscores and periods."
          errors={errors.name}
        />
        <TextField
          label="Expression"
          value={values.expression}
          onChange={set("expression")}
          required
          maxLength={256}
          placeholder="rate(5 minutes)"
          spellCheck={false}
          className="sm:col-span-2"
          hint={
            <>
              <code>rate(5 minutes)</code>, <code>cron(0 10 * * ? *)</code> (six fields: minutes, hours, day of month,
              month, day of week, year) or <code>at(2027-01-01T10:00:00)</code> for once.
            </>
          }
          errors={errors.expression}
        />
        <div>
          <TextField
            label="Time zone"
            value={values.timezone}
            onChange={set("timezone")}
            list={zonesId}
            spellCheck={false}
            hint="An IANA name; cron and at times are read in it."
            errors={errors.timezone}
          />
          <datalist id={zonesId}>
            {COMMON_TIME_ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
        <SelectField label="Job queue" value={values.jobQueue} onChange={set("jobQueue")} errors={errors.jobQueue}>
          <option value="">Choose a queue…</option>
          {queues.map((q) => (
            <option key={q} value={q}>
              {q}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Job definition"
          value={values.jobDefinition}
          onChange={set("jobDefinition")}
          errors={errors.jobDefinition}
        >
          <option value="">Choose a definition…</option>
          {definitions.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Job name"
          value={values.jobName}
          onChange={set("jobName")}
          required
          maxLength={128}
          hint="The name each submitted job gets."
          errors={errors.jobName}
        />
        <TextField
          label="Array size"
          inputMode="numeric"
          value={values.arraySize}
          onChange={set("arraySize")}
          placeholder="Not an array"
          hint="Optional: 2 to 10,000 children per fire."
          errors={errors.arraySize}
        />
        <TextField
          label="Retry attempts"
          inputMode="numeric"
          value={values.attempts}
          onChange={set("attempts")}
          placeholder="As the definition says"
          hint="Optional: 1 to 10."
          errors={errors.attempts}
        />
        <SelectField
          label="Missed fires"
          value={values.missedFirePolicy}
          onChange={set("missedFirePolicy")}
          errors={errors.missedFirePolicy}
        >
          {Object.entries(MISSED_FIRE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Overlap"
          value={values.overlapPolicy}
          onChange={set("overlapPolicy")}
          errors={errors.overlapPolicy}
        >
          {Object.entries(OVERLAP_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <SelectField label="State" value={values.state} onChange={set("state")} errors={errors.state}>
          <option value="ENABLED">Enabled</option>
          <option value="DISABLED">Disabled</option>
        </SelectField>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create schedule"}
      </Button>
    </form>
  );
}
