"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type ReactNode, useState, useTransition } from "react";
import { submitJobAction } from "@/app/(console)/jobs/actions";
import { jobQueries } from "@/components/lib/queries";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FieldErrors, SelectField, TextField } from "@/components/ui/field";
import { TextArea } from "@/components/ui/text-area";
import {
  type FieldErrors as ErrorMap,
  errorsByField,
  formToRequest,
  jsonToForm,
  requestJson,
  type SubmitFormState,
} from "@/lib/batch/submit-form";
import { inputClass, PairRows } from "./rows-editor";
import { StatusBadge } from "./status-badge";

export interface QueueOption {
  name: string;
  state: string;
  fairShare: boolean;
}

export interface DefinitionOption {
  name: string;
  revisions: number[];
  /** Latest revision's parameter defaults and command, as hints. */
  parameters: Record<string, string>;
  command: string[];
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-3 border-t border-slate-200 pt-4 first:border-t-0 first:pt-0">
      <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
      {children}
    </section>
  );
}

/**
 * SubmitJob as a form and as its raw JSON request, side by side and kept in step: editing
 * either rewrites the other (lib/batch/submit-form.ts). Errors from the browser's own checks
 * and from the server both show beside the field they concern.
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
  const [pending, startTransition] = useTransition();

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
      setGeneral(null);
      if (jsonError) {
        setGeneral("Fix the JSON request first.");
        return;
      }
      const { request, errors: local } = formToRequest(form);
      if (Object.keys(local).length) {
        setErrors(errorsByField(local));
        return;
      }
      const result = await submitJobAction(request as Parameters<typeof submitJobAction>[0]);
      if (result.ok) {
        router.push(`/jobs/${encodeURIComponent(result.data.jobId)}`);
        return;
      }
      const byField = errorsByField(result.fieldErrors, result.error);
      setErrors(byField);
      if (Object.keys(byField).length === 0 || byField._) setGeneral(result.error);
    });

  const definition = definitions.find((d) => d.name === form.jobDefinitionName);
  const queue = queues.find((q) => q.name === form.jobQueue);

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
        <Section title="Job">
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              label="Job name"
              value={form.jobName}
              onChange={(e) => update({ jobName: e.target.value })}
              errors={errors.jobName}
              maxLength={128}
              hint="Letters, numbers, hyphens and underscores."
            />
            <SelectField
              label="Job queue"
              value={form.jobQueue}
              onChange={(e) => update({ jobQueue: e.target.value })}
              errors={errors.jobQueue}
            >
              <option value="">Choose a queue…</option>
              {queues.map((q) => (
                <option key={q.name} value={q.name}>
                  {q.name}
                  {q.state !== "ENABLED" ? " (disabled)" : ""}
                </option>
              ))}
              {form.jobQueue && !queue ? <option value={form.jobQueue}>{form.jobQueue}</option> : null}
            </SelectField>
            <SelectField
              label="Job definition"
              value={form.jobDefinitionName}
              onChange={(e) => update({ jobDefinitionName: e.target.value, jobDefinitionRevision: "" })}
              errors={errors.jobDefinition}
            >
              <option value="">Choose a definition…</option>
              {definitions.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                </option>
              ))}
              {form.jobDefinitionName && !definition ? (
                <option value={form.jobDefinitionName}>{form.jobDefinitionName}</option>
              ) : null}
            </SelectField>
            <SelectField
              label="Revision"
              value={form.jobDefinitionRevision}
              onChange={(e) => update({ jobDefinitionRevision: e.target.value })}
            >
              <option value="">Latest active</option>
              {(definition?.revisions ?? []).map((r) => (
                <option key={r} value={String(r)}>
                  {r}
                </option>
              ))}
              {form.jobDefinitionRevision && !definition?.revisions.includes(Number(form.jobDefinitionRevision)) ? (
                <option value={form.jobDefinitionRevision}>{form.jobDefinitionRevision}</option>
              ) : null}
            </SelectField>
          </div>
          {definition ? (
            <p className="text-xs text-slate-500">
              Runs <code className="rounded bg-slate-100 px-1">{definition.command.join(" ") || "(no command)"}</code>
            </p>
          ) : null}
        </Section>

        <Section title="Array and dependencies">
          <TextField
            className="max-w-xs"
            label="Array size"
            inputMode="numeric"
            value={form.arraySize}
            onChange={(e) => update({ arraySize: e.target.value })}
            errors={errors.arraySize}
            hint="Leave empty for a single job; 2 to 10,000 children."
          />
          <Dependencies orgId={orgId} form={form} update={update} errors={errors.dependsOn} />
        </Section>

        <Section title="Parameters">
          <PairRows
            legend="Parameter values"
            hint={
              definition && Object.keys(definition.parameters).length
                ? `Defaults: ${Object.entries(definition.parameters)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(", ")}. Used as Ref::name in the command.`
                : "Substituted for Ref::name in the command."
            }
            rows={form.parameters}
            keyName="name"
            valueName="value"
            keyLabel="Parameter name"
            valueLabel="Parameter value"
            addLabel="Add parameter"
            errors={errors.parameters}
            onChange={(parameters) => update({ parameters })}
          />
        </Section>

        <Section title="Container overrides">
          <TextArea
            label="Command override"
            rows={4}
            value={form.command}
            onChange={(e) => update({ command: e.target.value })}
            errors={errors.command}
            hint="One argument per line (no shell unless you call one), or a JSON array. Empty: the definition's command."
          />
          <PairRows
            legend="Environment overrides"
            rows={form.environment}
            keyName="name"
            valueName="value"
            keyLabel="Variable name"
            valueLabel="Variable value"
            addLabel="Add variable"
            errors={errors.environment}
            onChange={(environment) => update({ environment })}
          />
          <div className="grid gap-3 sm:grid-cols-3">
            <TextField
              label="vCPUs"
              inputMode="decimal"
              value={form.vcpus}
              onChange={(e) => update({ vcpus: e.target.value })}
            />
            <TextField
              label="Memory (MiB)"
              inputMode="numeric"
              value={form.memory}
              onChange={(e) => update({ memory: e.target.value })}
            />
            <TextField
              label="GPUs"
              inputMode="numeric"
              value={form.gpus}
              onChange={(e) => update({ gpus: e.target.value })}
            />
          </div>
          <FieldErrors id="resources-err" errors={errors.resources} />
        </Section>

        <Section title="Retries and timeout">
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              label="Attempts"
              inputMode="numeric"
              value={form.retryAttempts}
              onChange={(e) => update({ retryAttempts: e.target.value })}
              errors={errors.retryAttempts}
              hint="1 to 10. Empty: the definition's retry strategy."
            />
            <TextField
              label="Attempt timeout (seconds)"
              inputMode="numeric"
              value={form.timeoutSeconds}
              onChange={(e) => update({ timeoutSeconds: e.target.value })}
              errors={errors.timeoutSeconds}
              hint="At least 60."
            />
          </div>
          <ExitRules form={form} update={update} errors={errors.evaluateOnExit} />
        </Section>

        <Section title="Scheduling and tags">
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              label="Share identifier"
              value={form.shareIdentifier}
              onChange={(e) => update({ shareIdentifier: e.target.value })}
              errors={errors.shareIdentifier}
              hint={queue?.fairShare ? "Required: this queue shares capacity fairly." : "Only for fair-share queues."}
            />
            <TextField
              label="Scheduling priority override"
              inputMode="numeric"
              value={form.schedulingPriorityOverride}
              onChange={(e) => update({ schedulingPriorityOverride: e.target.value })}
              errors={errors.schedulingPriorityOverride}
              hint="0 to 9999; higher runs first."
            />
          </div>
          <PairRows
            legend="Tags"
            rows={form.tags}
            keyName="key"
            valueName="value"
            keyLabel="Tag key"
            valueLabel="Tag value"
            addLabel="Add tag"
            errors={errors.tags}
            onChange={(tags) => update({ tags })}
          />
        </Section>

        {general ? <Alert>{general}</Alert> : null}
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

function ExitRules({
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

function Dependencies({
  orgId,
  form,
  update,
  errors,
}: {
  orgId: string;
  form: SubmitFormState;
  update: (patch: Partial<SubmitFormState>) => void;
  errors?: string[];
}) {
  const [term, setTerm] = useState("");
  const trimmed = term.trim();
  const found = useQuery(jobQueries.search(orgId, trimmed));
  const deps = form.dependsOn;
  const chosen = new Set(deps.map((d) => d.jobId));
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium text-slate-700">Depends on</legend>
      {deps.length ? (
        <ul className="mb-2 space-y-2">
          {deps.map((d, i) => (
            <li key={`${d.jobId}-${i}`} className="flex flex-wrap items-center gap-2">
              <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                {d.jobId || "(this array's previous child)"}
              </code>
              <select
                aria-label={`Dependency ${i + 1} type`}
                className="rounded-md border border-slate-300 px-2 py-1 text-sm"
                value={d.type}
                onChange={(e) =>
                  update({
                    dependsOn: deps.map((x, j) =>
                      j === i ? { ...x, type: e.target.value as SubmitFormState["dependsOn"][number]["type"] } : x,
                    ),
                  })
                }
              >
                <option value="">Standard (whole job)</option>
                <option value="N_TO_N">N_TO_N (child i waits for child i)</option>
                <option value="SEQUENTIAL">SEQUENTIAL (children one after another)</option>
              </select>
              <button
                type="button"
                aria-label={`Remove dependency ${i + 1}`}
                className="rounded-md px-2 text-slate-500 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                onClick={() => update({ dependsOn: deps.filter((_, j) => j !== i) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label htmlFor="dependency-search" className="sr-only">
        Find a job to depend on
      </label>
      <input
        id="dependency-search"
        type="search"
        placeholder="Find a job by name or id"
        className={inputClass}
        value={term}
        onChange={(e) => setTerm(e.target.value)}
      />
      {trimmed ? (
        <div className="mt-2" aria-live="polite">
          {found.isFetching && !found.data ? <p className="text-sm text-slate-600">Searching…</p> : null}
          {found.data && found.data.jobs.length === 0 ? (
            <p className="text-sm text-slate-600">No job has that id or a name starting with it.</p>
          ) : null}
          <ul className="divide-y divide-slate-100">
            {(found.data?.jobs ?? []).map((j) => (
              <li key={j.jobId} className="flex items-center justify-between gap-2 py-1.5 text-sm">
                <span className="min-w-0">
                  <span className="font-medium">{j.jobName}</span>{" "}
                  <span className="font-mono text-xs text-slate-500">{j.jobId}</span> <StatusBadge status={j.status} />
                  {j.arraySize ? <span className="text-xs text-slate-500"> array of {j.arraySize}</span> : null}
                </span>
                <Button
                  variant="secondary"
                  disabled={chosen.has(j.jobId)}
                  aria-label={`Depend on ${j.jobName} (${j.jobId})`}
                  onClick={() => update({ dependsOn: [...deps, { jobId: j.jobId, type: "" }] })}
                >
                  {chosen.has(j.jobId) ? "Added" : "Add"}
                </Button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {form.arraySize.trim() ? (
        <button
          type="button"
          className="mt-2 text-sm font-medium text-indigo-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          onClick={() => update({ dependsOn: [...deps, { jobId: "", type: "SEQUENTIAL" }] })}
        >
          + Run this array's children one after another
        </button>
      ) : null}
      <FieldErrors id="depends-on-err" errors={errors} />
    </fieldset>
  );
}
