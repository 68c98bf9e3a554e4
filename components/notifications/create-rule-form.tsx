"use client";

import { useState, useTransition } from "react";
import { createRuleAction } from "@/app/(console)/notifications/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { groupErrors } from "@/lib/console/field-errors";
import { jobEventPattern } from "./pattern";
import { PatternEditor, type QueueOption } from "./pattern-editor";

type Kind = "WEBHOOK" | "JOB_QUEUE";
type Field = "name" | "eventPattern" | "target" | "endpoint" | "jobQueue" | "jobDefinition" | "jobName";

/** The action's zod paths (and PutRule's EventPattern) → this form's fields. */
const FIELD_BY_PATH: Record<string, Field> = {
  name: "name",
  eventPattern: "eventPattern",
  EventPattern: "eventPattern",
  target: "target",
  "target.kind": "target",
  "target.apiDestinationArn": "endpoint",
  "target.jobQueueArn": "jobQueue",
  "target.jobDefinition": "jobDefinition",
  "target.jobName": "jobName",
};

interface Values {
  name: string;
  eventPattern: string;
  kind: Kind;
  endpoint: string;
  jobQueue: string;
  jobDefinition: string;
  jobName: string;
}

const only = (list: { arn: string }[]) => (list.length === 1 ? (list[0]?.arn ?? "") : "");

/**
 * A rule on job state changes and its one target: a webhook endpoint, or a job to submit
 * ("when this matches, submit a job"). The values stay after a refusal; the page refreshes
 * itself on success.
 */
export function CreateRuleForm({
  queues,
  definitions,
  endpoints,
}: {
  queues: QueueOption[];
  definitions: string[];
  endpoints: { name: string; arn: string }[];
}) {
  const initial = (): Values => ({
    name: "",
    eventPattern: jobEventPattern({ jobQueues: [], statuses: [] }),
    kind: endpoints.length > 0 ? "WEBHOOK" : "JOB_QUEUE",
    endpoint: only(endpoints),
    jobQueue: only(queues),
    jobDefinition: definitions.length === 1 ? (definitions[0] ?? "") : "",
    jobName: "",
  });
  const [values, setValues] = useState<Values>(initial);
  // A new key remounts the pattern builder after a rule is created, so its choices empty too.
  const [round, setRound] = useState(0);
  const [errors, setErrors] = useState<Partial<Record<Field | "_", string[]>>>({});
  const [pending, start] = useTransition();
  const set = (field: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  const submit = () =>
    start(async () => {
      const target =
        values.kind === "WEBHOOK"
          ? { kind: "WEBHOOK" as const, apiDestinationArn: values.endpoint }
          : {
              kind: "JOB_QUEUE" as const,
              jobQueueArn: values.jobQueue,
              jobDefinition: values.jobDefinition,
              jobName: values.jobName.trim(),
            };
      try {
        const result = await createRuleAction({ name: values.name.trim(), eventPattern: values.eventPattern, target });
        if (result.ok) {
          setValues(initial());
          setRound((r) => r + 1);
          setErrors({});
          return;
        }
        const grouped = groupErrors(result.fieldErrors, (path) => FIELD_BY_PATH[path] ?? "_");
        if (!result.fieldErrors) grouped._ = [result.error];
        setErrors(grouped);
      } catch {
        setErrors({ _: ["Could not reach the server. Please try again."] });
      }
    });

  return (
    <form
      aria-label="Create rule"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {errors._ ? <Alert>{errors._.join(" ")}</Alert> : null}
      <TextField
        label="Rule name"
        value={values.name}
        onChange={set("name")}
        required
        maxLength={64}
        className="sm:max-w-sm"
        hint="Letters, numbers, hyphens, underscores and periods."
        errors={errors.name}
      />
      <PatternEditor
        key={round}
        queues={queues}
        value={values.eventPattern}
        onChange={(eventPattern) => setValues((v) => ({ ...v, eventPattern }))}
        errors={errors.eventPattern}
      />
      <fieldset className="space-y-3">
        <legend className="mb-1 text-sm font-medium text-slate-700">When it matches</legend>
        <div className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <label className="inline-flex items-center gap-1.5">
            <input
              type="radio"
              name="target-kind"
              checked={values.kind === "WEBHOOK"}
              onChange={() => setValues((v) => ({ ...v, kind: "WEBHOOK" }))}
            />
            Send it to a webhook endpoint
          </label>
          <label className="inline-flex items-center gap-1.5">
            <input
              type="radio"
              name="target-kind"
              checked={values.kind === "JOB_QUEUE"}
              onChange={() => setValues((v) => ({ ...v, kind: "JOB_QUEUE" }))}
            />
            Submit a job
          </label>
        </div>
        {errors.target ? <p className="text-sm text-red-700">{errors.target.join(" ")}</p> : null}
        {values.kind === "WEBHOOK" ? (
          <SelectField
            label="Webhook endpoint"
            value={values.endpoint}
            onChange={set("endpoint")}
            className="sm:max-w-sm"
            errors={errors.endpoint}
          >
            <option value="">{endpoints.length === 0 ? "No endpoint yet: create one above" : "Choose…"}</option>
            {endpoints.map((d) => (
              <option key={d.arn} value={d.arn}>
                {d.name}
              </option>
            ))}
          </SelectField>
        ) : (
          <div className="grid gap-4 sm:grid-cols-3">
            <SelectField label="Job queue" value={values.jobQueue} onChange={set("jobQueue")} errors={errors.jobQueue}>
              <option value="">Choose a queue…</option>
              {queues.map((q) => (
                <option key={q.arn} value={q.arn}>
                  {q.name}
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
              maxLength={128}
              hint="The name of each job the rule submits."
              errors={errors.jobName}
            />
          </div>
        )}
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create rule"}
      </Button>
    </form>
  );
}
