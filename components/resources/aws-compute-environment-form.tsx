"use client";

import clsx from "clsx";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createComputeEnvironmentAction } from "@/app/(console)/compute-environments/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { TextArea } from "@/components/ui/text-area";
import {
  ALLOCATION_STRATEGIES,
  type AwsCeField,
  type AwsComputeEnvironmentForm,
  awsFormErrorsFrom,
  awsFormToRequest,
  CR_TYPES,
  INSTANCE_TYPE_SUGGESTIONS,
  isFargate,
  AWS_CE_LABELS as L,
  requestToAwsForm,
} from "@/lib/console/aws-compute-environment-form";
import { PairsEditor } from "./pairs-editor";

type Mode = "form" | "json";
type Json = Record<string, unknown>;

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

function parseJson(text: string): { ok: true; value: Json } | { ok: false; error: string } {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { ok: false, error: "The JSON must be an object: a CreateComputeEnvironment request." };
    }
    return { ok: true, value: value as Json };
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
  }
}

const LIST_HINT = "Comma- or line-separated.";

/**
 * Create a compute environment in AWS Batch from a form or from the CreateComputeEnvironment
 * JSON. Both edit one request (lib/console/aws-compute-environment-form.ts): every form change
 * rewrites the JSON, every JSON edit that parses refills the form, and the JSON tab submits its
 * text as written. The request reaches AWS unchanged; its errors appear beside the field they
 * concern in the form's labels, or with their path under the JSON.
 */
export function AwsComputeEnvironmentCreateForm({ initial }: { initial: AwsComputeEnvironmentForm }) {
  const router = useRouter();
  const [mode, setMode] = useState<Mode>("form");
  const [form, setFormState] = useState(initial);
  const [json, setJson] = useState(() => pretty(awsFormToRequest(initial)));
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const [errors, setErrors] = useState<Partial<Record<AwsCeField, string[]>>>({});
  const [serverMessages, setServerMessages] = useState<string[]>([]);
  const [pending, start] = useTransition();

  const set = (patch: Partial<AwsComputeEnvironmentForm>) => {
    const next = { ...form, ...patch };
    setFormState(next);
    setJson(pretty(awsFormToRequest(next)));
    setJsonProblem(null);
  };

  const editJson = (text: string) => {
    setJson(text);
    const parsed = parseJson(text);
    if (parsed.ok) {
      setFormState(requestToAwsForm(parsed.value));
      setJsonProblem(null);
    } else setJsonProblem(parsed.error);
  };

  const submit = () => {
    let request: Json;
    if (mode === "json") {
      const parsed = parseJson(json);
      if (!parsed.ok) {
        setJsonProblem(parsed.error);
        return;
      }
      request = parsed.value;
    } else request = awsFormToRequest(form);
    start(async () => {
      const result = await createComputeEnvironmentAction(
        request as Parameters<typeof createComputeEnvironmentAction>[0],
      );
      if (result.ok) {
        router.push("/compute-environments");
        return;
      }
      const fieldErrors = result.fieldErrors ?? { _: [result.error] };
      setErrors(awsFormErrorsFrom(fieldErrors));
      setServerMessages(
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

  const text = (field: Exclude<AwsCeField, "_" | "type" | "state" | "crType" | "instanceTags" | "tags">) => ({
    label: L[field],
    value: form[field],
    onChange: (e: { target: { value: string } }) => set({ [field]: e.target.value }),
    errors: errors[field],
  });
  const managed = form.type === "MANAGED";
  const ec2 = managed && !isFargate(form.crType);
  // Errors of fields the form does not show now (a Fargate request carrying minvCpus, say) go
  // above the form with the rest, so none is dropped.
  const shown = new Set<AwsCeField>(["computeEnvironmentName", "type", "state", "serviceRole", "tags"]);
  if (!managed) shown.add("unmanagedvCpus");
  if (managed) for (const f of ["crType", "maxvCpus", "subnets", "securityGroupIds"] as const) shown.add(f);
  if (ec2) {
    for (const f of [
      "minvCpus",
      "desiredvCpus",
      "instanceTypes",
      "allocationStrategy",
      "instanceRole",
      "ec2KeyPair",
      "launchTemplate",
      "launchTemplateVersion",
      "instanceTags",
    ] as const) {
      shown.add(f);
    }
  }
  if (managed && form.crType === "SPOT") shown.add("bidPercentage").add("spotIamFleetRole");
  const unplaced = Object.entries(errors)
    .filter(([field]) => !shown.has(field as AwsCeField))
    .flatMap(([field, messages]) =>
      field === "_" ? messages : messages.map((m) => `${L[field as keyof typeof L]}: ${m}`),
    );

  return (
    <form
      aria-label="Create compute environment"
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
      {unplaced.length && mode === "form" ? <Alert>{unplaced.join(" ")}</Alert> : null}
      {mode === "form" ? (
        <div className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              {...text("computeEnvironmentName")}
              required
              maxLength={128}
              hint="Letters, numbers, hyphens and underscores."
            />
            <SelectField
              label={L.type}
              value={form.type}
              onChange={(e) => set({ type: e.target.value as AwsComputeEnvironmentForm["type"] })}
              errors={errors.type}
            >
              <option value="MANAGED">MANAGED</option>
              <option value="UNMANAGED">UNMANAGED (your own ECS instances)</option>
            </SelectField>
            <SelectField
              label={L.state}
              value={form.state}
              onChange={(e) => set({ state: e.target.value as AwsComputeEnvironmentForm["state"] })}
              errors={errors.state}
            >
              <option value="ENABLED">ENABLED</option>
              <option value="DISABLED">DISABLED</option>
            </SelectField>
          </div>
          <p className="text-xs text-slate-500" data-testid="aws-ids-note">
            AWS Batch's API cannot list subnets, security groups, IAM roles, key pairs or launch templates, and
            Batchdeck has no EC2 or IAM client to read them: type their ids, names and ARNs as the EC2 and IAM consoles
            show them.
          </p>
          {managed ? (
            <>
              <div className="grid gap-4 sm:grid-cols-3">
                <SelectField
                  label={L.crType}
                  value={form.crType}
                  onChange={(e) => set({ crType: e.target.value as AwsComputeEnvironmentForm["crType"] })}
                  errors={errors.crType}
                >
                  {CR_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </SelectField>
                {ec2 ? <TextField {...text("minvCpus")} inputMode="numeric" /> : null}
                <TextField {...text("maxvCpus")} inputMode="numeric" required />
                {ec2 ? (
                  <TextField
                    {...text("desiredvCpus")}
                    inputMode="numeric"
                    hint="Optional; AWS Batch sets it from demand."
                  />
                ) : null}
              </div>
              {ec2 ? (
                <div className="grid gap-4 sm:grid-cols-2">
                  <TextField
                    {...text("instanceTypes")}
                    list="ce-instance-types"
                    hint={`Families (m5), sizes (m5.large) or optimal. ${LIST_HINT}`}
                  />
                  <datalist id="ce-instance-types">
                    {INSTANCE_TYPE_SUGGESTIONS.map((t) => (
                      <option key={t} value={t} />
                    ))}
                  </datalist>
                  <SelectField
                    label={L.allocationStrategy}
                    value={form.allocationStrategy}
                    onChange={(e) => set({ allocationStrategy: e.target.value })}
                    errors={errors.allocationStrategy}
                  >
                    <option value="">AWS's default (BEST_FIT)</option>
                    {ALLOCATION_STRATEGIES.map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </SelectField>
                  <TextField
                    {...text("instanceRole")}
                    placeholder="ecsInstanceRole"
                    hint="An instance profile name or ARN (arn:aws:iam::123456789012:instance-profile/…)."
                  />
                  <TextField {...text("ec2KeyPair")} hint="The name of an EC2 key pair; optional." />
                  <TextField
                    {...text("launchTemplate")}
                    placeholder="lt-0123456789abcdef0 or a name"
                    hint="A launch template id (lt-…) or name; optional."
                  />
                  <TextField
                    {...text("launchTemplateVersion")}
                    placeholder="$Default"
                    hint="A version number, $Latest or $Default."
                  />
                </div>
              ) : (
                <p className="text-xs text-slate-500">
                  Fargate takes the maximum vCPUs, subnets and security groups only: AWS refuses instance types, roles,
                  key pairs and launch templates for it.
                </p>
              )}
              {form.crType === "SPOT" ? (
                <div className="grid gap-4 sm:grid-cols-2">
                  <TextField
                    {...text("bidPercentage")}
                    inputMode="numeric"
                    hint="The most to pay, as a percentage of the On-Demand price (0–100)."
                  />
                  <TextField
                    {...text("spotIamFleetRole")}
                    placeholder="arn:aws:iam::123456789012:role/AmazonEC2SpotFleetRole"
                    hint="A role ARN; needed with the BEST_FIT strategy."
                  />
                </div>
              ) : null}
              <div className="grid gap-4 sm:grid-cols-2">
                <TextArea
                  {...text("subnets")}
                  rows={2}
                  placeholder="subnet-0123456789abcdef0"
                  hint={`Subnet ids (subnet-…). ${LIST_HINT}`}
                />
                <TextArea
                  {...text("securityGroupIds")}
                  rows={2}
                  placeholder="sg-0123456789abcdef0"
                  hint={`Security group ids (sg-…). ${LIST_HINT}`}
                />
              </div>
              {ec2 ? (
                <PairsEditor
                  legend={L.instanceTags}
                  idPrefix="ce-instance-tags"
                  hint="Applied to the EC2 instances AWS Batch launches."
                  addLabel="Add instance tag"
                  pairs={form.instanceTags}
                  onChange={(instanceTags) => set({ instanceTags })}
                  errors={errors.instanceTags}
                />
              ) : null}
            </>
          ) : (
            <TextField
              {...text("unmanagedvCpus")}
              className="max-w-xs"
              inputMode="numeric"
              hint="Used for fair-share scheduling; optional."
            />
          )}
          <TextField
            {...text("serviceRole")}
            placeholder="arn:aws:iam::123456789012:role/AWSBatchServiceRole"
            hint="A role ARN; empty uses AWS Batch's service-linked role."
          />
          <PairsEditor
            legend={L.tags}
            idPrefix="ce-tags"
            addLabel="Add tag"
            pairs={form.tags}
            onChange={(tags) => set({ tags })}
            errors={errors.tags}
          />
        </div>
      ) : (
        <div className="space-y-2">
          <TextArea
            label="CreateComputeEnvironment request (JSON)"
            rows={24}
            dense
            value={json}
            onChange={(e) => editJson(e.target.value)}
            errors={jsonProblem ? [jsonProblem] : undefined}
            hint="The same request the AWS CLI sends with --cli-input-json; sent to AWS as written. Fields the form has no control for are kept."
          />
          {serverMessages.length ? (
            <Alert>
              <ul className="list-inside list-disc">
                {serverMessages.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
        </div>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={pending || (mode === "json" && jsonProblem !== null)}>
          {pending ? "Saving…" : "Create compute environment"}
        </Button>
        <Button variant="secondary" onClick={() => router.push("/compute-environments")}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
