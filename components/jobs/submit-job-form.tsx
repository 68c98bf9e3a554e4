"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { submitJobAction } from "@/app/(console)/jobs/actions";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/form-errors";
import { TextArea } from "@/components/ui/text-area";
import {
  type FieldErrors as ErrorMap,
  errorsByField,
  formToRequest,
  jsonToForm,
  requestJson,
  SUBMIT_JOB_FIELDS,
  SUBMIT_JOB_LABELS,
  type SubmitFormState,
} from "@/lib/batch/submit-form";
import { neverFitsWarning, requestedAmount } from "@/lib/console/capacity-warnings";
import { inLabels, summaryItems } from "@/lib/console/field-errors";
import { ArraySection } from "./submit-job/array-section";
import { JobSection } from "./submit-job/job-section";
import { type DefinitionOption, type QueueOption, revisionHints } from "./submit-job/options";
import { ContainerOverridesSection, ParametersSection } from "./submit-job/overrides-sections";
import { RetriesSection } from "./submit-job/retries-section";
import { SchedulingSection } from "./submit-job/scheduling-section";

/**
 * SubmitJob as a form and as its raw JSON request, side by side and kept in step: editing
 * either rewrites the other (lib/batch/submit-form.ts). Errors from the browser's own checks
 * and from the server both show beside the field they concern, in the form's labels, and in a
 * summary above the submit button that moves focus to the first of them.
 */
export function SubmitJobForm({
  orgId,
  initial,
  queues,
  definitions,
}: {
  orgId: string;
  initial: SubmitFormState;
  queues: QueueOption[];
  definitions: DefinitionOption[];
}) {
  const router = useRouter();
  const [form, setForm] = useState(initial);
  const [json, setJson] = useState(() => requestJson(formToRequest(initial).request));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [errors, setErrors] = useState<ErrorMap>({});
  const [general, setGeneral] = useState<string | null>(null);
  // Counts failed submits: each one moves focus to the first field in error (ErrorSummary).
  const [attempt, setAttempt] = useState(0);
  const [pending, startTransition] = useTransition();
  const fail = (byField: ErrorMap, message: string | null) => {
    setErrors(byField);
    setGeneral(message);
    setAttempt((n) => n + 1);
  };

  const update = (patch: Partial<SubmitFormState>) => {
    const next = { ...form, ...patch };
    setForm(next);
    setJson(requestJson(formToRequest(next).request));
    setJsonError(null);
  };
  const editJson = (text: string) => {
    setJson(text);
    const parsed = jsonToForm(text);
    if (parsed.form) {
      setForm(parsed.form);
      setJsonError(
        parsed.errors && Object.keys(parsed.errors).length ? Object.values(parsed.errors).flat().join(" ") : null,
      );
    } else {
      setJsonError(parsed.error ?? "Not valid JSON.");
    }
  };

  const submit = () =>
    startTransition(async () => {
      if (jsonError) {
        fail({}, "Fix the JSON request first.");
        return;
      }
      const { request, errors: local } = formToRequest(form);
      if (Object.keys(local).length) {
        fail(errorsByField(local), null);
        return;
      }
      const result = await submitJobAction(request as Parameters<typeof submitJobAction>[0]);
      if (result.ok) {
        router.push(`/jobs/${encodeURIComponent(result.data.jobId)}`);
        return;
      }
      const byField = Object.fromEntries(
        Object.entries(errorsByField(result.fieldErrors, result.error)).map(([field, messages]) => [
          field,
          messages.map((m) => inLabels(m, SUBMIT_JOB_LABELS)),
        ]),
      );
      // An answer no field claims (a disabled queue, a quota) is the form's own error.
      fail(byField, Object.keys(byField).length === 0 ? inLabels(result.error, SUBMIT_JOB_LABELS) : null);
    });

  const definition = definitions.find((d) => d.name === form.jobDefinitionName);
  const queue = queues.find((q) => q.name === form.jobQueue);
  const summary = summaryItems(
    { ...errors, _: [...(general ? [general] : []), ...(errors._ ?? [])] },
    SUBMIT_JOB_FIELDS,
  );
  // The chosen revision's own requirements count where the form does not override them.
  const asked = revisionHints(definition, form.jobDefinitionRevision);
  const fitWarning = queue
    ? neverFitsWarning(
        {
          vcpus: requestedAmount(form.vcpus) ?? asked?.vcpus,
          memoryMiB: requestedAmount(form.memory) ?? asked?.memoryMiB,
        },
        queue.name,
        queue.environments,
      )
    : null;

  return (
    <form
      aria-label="Submit a job"
      className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,28rem)]"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      noValidate
    >
      <div className="space-y-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
        <JobSection
          form={form}
          update={update}
          errors={errors}
          queues={queues}
          definitions={definitions}
          queue={queue}
          definition={definition}
          hints={asked}
        />

        <ArraySection orgId={orgId} form={form} update={update} errors={errors} />

        <ParametersSection form={form} update={update} errors={errors} hints={asked} />

        <ContainerOverridesSection form={form} update={update} errors={errors} fitWarning={fitWarning} />

        <RetriesSection form={form} update={update} errors={errors} />

        <SchedulingSection form={form} update={update} errors={errors} queue={queue} />

        <ErrorSummary items={summary} attempt={attempt} title="The job was not submitted. Fix these first:" />
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={pending}>
            {pending ? "Submitting…" : "Submit job"}
          </Button>
          {pending ? <output className="text-sm text-slate-600">Submitting the job…</output> : null}
        </div>
      </div>

      <div className="xl:sticky xl:top-4 xl:self-start">
        <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <TextArea
            label="SubmitJob request (JSON)"
            value={json}
            onChange={(e) => editJson(e.target.value)}
            errors={jsonError ? [jsonError] : undefined}
            rows={28}
            dense
            hint="The same request as the form, as the AWS CLI or SDK would send it. Edit either side."
          />
        </div>
      </div>
    </form>
  );
}
