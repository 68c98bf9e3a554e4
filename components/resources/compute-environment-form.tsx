"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  createComputeEnvironmentAction,
  updateComputeEnvironmentAction,
} from "@/app/(console)/compute-environments/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { overHostWarnings, requestedAmount } from "@/lib/console/capacity-warnings";
import {
  COMPUTE_ENVIRONMENT_LABELS,
  type ComputeEnvironmentFormValues,
  GPU_IDS_TAG,
  MEMORY_TAG,
} from "@/lib/console/compute-environment-values";
import { groupErrors, inLabels, numberField } from "@/lib/console/field-errors";
import { PairsEditor } from "./pairs-editor";

type Field = "name" | "type" | "state" | "maxvCpus" | "memoryMiB" | "gpuIds" | "tags";

function fieldFor(path: string, message: string): Field | "_" {
  if (path === "computeEnvironmentName") return "name";
  if (path === "state") return "state";
  if (path === "type") return "type";
  if (path === "unmanagedvCpus" || path.startsWith("computeResources")) return "maxvCpus";
  if (path.startsWith("tags") || path === "_") {
    if (message.includes(MEMORY_TAG)) return "memoryMiB";
    if (message.includes(GPU_IDS_TAG)) return "gpuIds";
    if (path.startsWith("tags")) return "tags";
  }
  if (message.includes("maxvCpus") || message.includes("unmanagedvCpus")) return "maxvCpus";
  return "_";
}

export function ComputeEnvironmentForm({
  mode,
  initial,
  host,
}: {
  mode: "create" | "edit";
  initial: ComputeEnvironmentFormValues;
  host: { cpus: number; memoryMiB: number } | null;
}) {
  const router = useRouter();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<Field | "_", string[]>>>({});
  const [pending, start] = useTransition();
  const set = (patch: Partial<ComputeEnvironmentFormValues>) => setValues((v) => ({ ...v, ...patch }));

  const submit = () => {
    const tags: Record<string, string> = {};
    for (const t of values.tags) if (t.key.trim()) tags[t.key.trim()] = t.value;
    if (values.memoryMiB.trim()) tags[MEMORY_TAG] = values.memoryMiB.trim();
    if (values.gpuIds.trim()) tags[GPU_IDS_TAG] = values.gpuIds.replace(/\s+/g, "");
    const vcpus = numberField(values.maxvCpus);
    const capacity =
      vcpus === undefined
        ? {}
        : values.type === "UNMANAGED"
          ? { unmanagedvCpus: vcpus }
          : { computeResources: mode === "create" ? { type: "EC2", maxvCpus: vcpus } : { maxvCpus: vcpus } };
    start(async () => {
      const result =
        mode === "create"
          ? await createComputeEnvironmentAction({
              computeEnvironmentName: values.name.trim(),
              type: values.type,
              state: values.state,
              ...capacity,
              tags,
            } as Parameters<typeof createComputeEnvironmentAction>[0])
          : await updateComputeEnvironmentAction({
              computeEnvironment: values.name,
              state: values.state,
              ...capacity,
              tags,
            } as Parameters<typeof updateComputeEnvironmentAction>[0]);
      if (result.ok) {
        router.push("/compute-environments");
        return;
      }
      const grouped = groupErrors(result.fieldErrors, fieldFor, COMPUTE_ENVIRONMENT_LABELS);
      if (!result.fieldErrors) grouped._ = [inLabels(result.error, COMPUTE_ENVIRONMENT_LABELS)];
      setErrors(grouped);
    });
  };
  // Built-in only: more than the engine's machine is allowed (the machine may grow), but said.
  const overHost = host
    ? overHostWarnings(
        { maxVcpus: requestedAmount(values.maxvCpus), memoryMiB: requestedAmount(values.memoryMiB) },
        host,
      )
    : [];

  return (
    <form
      aria-label={mode === "create" ? "Create compute environment" : `Edit compute environment ${initial.name}`}
      className="max-w-2xl space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {errors._ ? <Alert>{errors._.join(" ")}</Alert> : null}
      {mode === "create" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Name"
            value={values.name}
            onChange={(e) => set({ name: e.target.value })}
            required
            maxLength={128}
            hint="Letters, numbers, hyphens and underscores."
            errors={errors.name}
          />
          <SelectField
            label="Type"
            value={values.type}
            onChange={(e) => set({ type: e.target.value as ComputeEnvironmentFormValues["type"] })}
            errors={errors.type}
          >
            <option value="MANAGED">MANAGED</option>
            <option value="UNMANAGED">UNMANAGED</option>
          </SelectField>
        </div>
      ) : null}
      <SelectField
        label="State"
        className="max-w-xs"
        value={values.state}
        onChange={(e) => set({ state: e.target.value as ComputeEnvironmentFormValues["state"] })}
        errors={errors.state}
      >
        <option value="ENABLED">ENABLED: jobs may be placed on it</option>
        <option value="DISABLED">DISABLED: running jobs finish, no new ones start</option>
      </SelectField>
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          label="Maximum vCPUs"
          inputMode="numeric"
          value={values.maxvCpus}
          onChange={(e) => set({ maxvCpus: e.target.value })}
          placeholder={host ? String(host.cpus) : undefined}
          hint={host ? `Empty: all ${host.cpus} vCPUs the engine's machine hands out.` : undefined}
          errors={errors.maxvCpus}
        />
        <TextField
          label="Memory (MiB)"
          inputMode="numeric"
          value={values.memoryMiB}
          onChange={(e) => set({ memoryMiB: e.target.value })}
          placeholder={host ? String(host.memoryMiB) : undefined}
          hint={host ? `Empty: all ${host.memoryMiB} MiB of the engine's machine.` : undefined}
          errors={errors.memoryMiB}
        />
        <TextField
          label="GPU ids"
          value={values.gpuIds}
          onChange={(e) => set({ gpuIds: e.target.value })}
          placeholder="0,1"
          hint="Comma-separated device ids; empty for none."
          errors={errors.gpuIds}
        />
      </div>
      {overHost.length ? <Alert tone="warning">{overHost.join(" ")}</Alert> : null}
      <PairsEditor
        legend="Tags"
        idPrefix="ce-tags"
        addLabel="Add tag"
        pairs={values.tags}
        onChange={(tags) => set({ tags })}
        errors={errors.tags}
      />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : mode === "create" ? "Create compute environment" : "Save changes"}
        </Button>
        <Button variant="secondary" onClick={() => router.push("/compute-environments")}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
