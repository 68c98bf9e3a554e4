"use client";

import clsx from "clsx";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { registerJobDefinitionAction } from "@/app/(console)/job-definitions/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { TextArea } from "@/components/ui/text-area";
import {
  definitionToForm,
  type FormErrors,
  formErrorsFrom,
  formToDefinition,
  type JobDefinitionForm,
} from "@/lib/console/job-definition-form";
import { PairsEditor } from "./pairs-editor";

type Mode = "form" | "json";

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

function parseJson(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { ok: false, error: "The JSON must be an object: a RegisterJobDefinition request." };
    }
    return { ok: true, value: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * Register a revision from a form or from raw JSON. Both edit one request: every form change
 * rewrites the JSON, and every JSON edit that parses refills the form, so either view can be
 * used at any moment. The server validates with RegisterJobDefinition's schema; its errors
 * appear beside the form field they concern, or listed with their path under the JSON.
 */
export function JobDefinitionRegisterForm({ initial }: { initial: Record<string, unknown> }) {
  const router = useRouter();
  const [mode, setMode] = useState<Mode>("form");
  const [form, setFormState] = useState<JobDefinitionForm>(() => definitionToForm(initial));
  const [json, setJson] = useState(() => pretty(formToDefinition(definitionToForm(initial)).request));
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>({});
  const [serverPaths, setServerPaths] = useState<string[]>([]);
  const [pending, start] = useTransition();

  const setForm = (patch: Partial<JobDefinitionForm>) => {
    const next = { ...form, ...patch };
    setFormState(next);
    setJson(pretty(formToDefinition(next).request));
    setJsonProblem(null);
  };

  const editJson = (text: string) => {
    setJson(text);
    const parsed = parseJson(text);
    if (parsed.ok) {
      setFormState(definitionToForm(parsed.value));
      setJsonProblem(null);
    } else setJsonProblem(parsed.error);
  };

  const submit = () => {
    let request: Record<string, unknown>;
    if (mode === "json") {
      const parsed = parseJson(json);
      if (!parsed.ok) {
        setJsonProblem(parsed.error);
        return;
      }
      request = parsed.value;
    } else {
      const built = formToDefinition(form);
      if (Object.keys(built.errors).length) {
        setErrors(built.errors);
        return;
      }
      request = built.request;
    }
    start(async () => {
      const result = await registerJobDefinitionAction(request as Parameters<typeof registerJobDefinitionAction>[0]);
      if (result.ok) {
        router.push(`/job-definitions/${encodeURIComponent(result.data.jobDefinitionName)}`);
        return;
      }
      const fieldErrors = result.fieldErrors ?? { _: [result.error] };
      const grouped = formErrorsFrom(fieldErrors, request);
      setErrors(grouped);
      setServerPaths(
        Object.entries(fieldErrors).flatMap(([path, messages]) =>
          messages.map((m) => (path === "_" ? m : `${path}: ${m}`)),
        ),
      );
    });
  };

  const tab = (m: Mode, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={mode === m}
      className={clsx(
        "-mb-px border-b-2 px-3 py-2 text-sm",
        mode === m
          ? "border-indigo-600 font-medium text-indigo-800"
          : "border-transparent text-slate-600 hover:text-slate-900",
      )}
      onClick={() => {
        if (m === "form" && jsonProblem) return;
        setMode(m);
      }}
    >
      {label}
    </button>
  );

  return (
    <form
      aria-label="Register job definition"
      className="max-w-3xl space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div role="tablist" aria-label="Edit as" className="flex gap-1 border-b border-slate-200">
        {tab("form", "Form")}
        {tab("json", "JSON")}
      </div>
      {errors._ && mode === "form" ? <Alert>{errors._.join(" ")}</Alert> : null}
      {mode === "form" ? (
        <div className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Name"
              value={form.jobDefinitionName}
              onChange={(e) => setForm({ jobDefinitionName: e.target.value })}
              required
              hint="Registering an existing name adds a revision."
              errors={errors.jobDefinitionName}
            />
            <TextField
              label="Image"
              value={form.image}
              onChange={(e) => setForm({ image: e.target.value })}
              hint="Recorded as given; the built-in engine runs the command on this host."
              errors={errors.image}
            />
          </div>
          <TextArea
            label="Command"
            rows={4}
            value={form.command}
            onChange={(e) => setForm({ command: e.target.value })}
            hint='One argument per line, or a JSON array such as ["sh", "-c", "echo Ref::name"]. Ref::name is replaced by the parameter "name".'
            errors={errors.command}
          />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label="vCPUs"
              inputMode="decimal"
              value={form.vcpus}
              onChange={(e) => setForm({ vcpus: e.target.value })}
              errors={errors.vcpus}
            />
            <TextField
              label="Memory (MiB)"
              inputMode="numeric"
              value={form.memory}
              onChange={(e) => setForm({ memory: e.target.value })}
              errors={errors.memory}
            />
            <TextField
              label="GPUs"
              inputMode="numeric"
              value={form.gpu}
              onChange={(e) => setForm({ gpu: e.target.value })}
              placeholder="0"
              errors={errors.gpu}
            />
          </div>
          <PairsEditor
            legend="Environment variables"
            idPrefix="jd-env"
            keyLabel="Name"
            addLabel="Add variable"
            pairs={form.environment}
            onChange={(environment) => setForm({ environment })}
            errors={errors.environment}
          />
          <PairsEditor
            legend="Parameters"
            idPrefix="jd-params"
            hint="Defaults for Ref::name placeholders in the command; a submission may override them."
            addLabel="Add parameter"
            pairs={form.parameters}
            onChange={(parameters) => setForm({ parameters })}
            errors={errors.parameters}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Retry attempts"
              inputMode="numeric"
              value={form.retryAttempts}
              onChange={(e) => setForm({ retryAttempts: e.target.value })}
              placeholder="1"
              hint="1 to 10 attempts in all."
              errors={errors.retryAttempts}
            />
            <TextField
              label="Timeout (seconds per attempt)"
              inputMode="numeric"
              value={form.timeoutSeconds}
              onChange={(e) => setForm({ timeoutSeconds: e.target.value })}
              placeholder="none"
              hint="At least 60; empty for no timeout."
              errors={errors.timeoutSeconds}
            />
          </div>
          <PairsEditor
            legend="Tags"
            idPrefix="jd-tags"
            addLabel="Add tag"
            pairs={form.tags}
            onChange={(tags) => setForm({ tags })}
            errors={errors.tags}
          />
        </div>
      ) : (
        <div className="space-y-2">
          <TextArea
            label="RegisterJobDefinition request (JSON)"
            rows={24}
            value={json}
            onChange={(e) => editJson(e.target.value)}
            errors={jsonProblem ? [jsonProblem] : undefined}
            hint="The same request the AWS CLI sends with --cli-input-json. Fields the form has no control for are kept."
          />
          {serverPaths.length ? (
            <Alert>
              <ul className="list-inside list-disc">
                {serverPaths.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
        </div>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending || (mode === "json" && jsonProblem !== null)}>
          {pending ? "Registering…" : "Register revision"}
        </Button>
        <Button variant="secondary" onClick={() => router.back()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
