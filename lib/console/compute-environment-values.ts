// The compute environment form's values, and how a described environment fills them. Kept
// outside the client component so server pages can build the initial values.
import type { Pair } from "./job-definition-form";

// Kept in step with lib/batch/shapes/compute-environments.ts (not imported: that module
// carries the server's request schemas, which the browser bundle does not need).
export const MEMORY_TAG = "batchdeck:memoryMiB";
export const GPU_IDS_TAG = "batchdeck:gpuIds";

/** The form's label for each request field a message names (lib/console/field-errors.ts inLabels). */
export const COMPUTE_ENVIRONMENT_LABELS = {
  computeEnvironmentName: "Name",
  computeEnvironment: "Name",
  "computeResources.maxvCpus": "Maximum vCPUs",
  maxvCpus: "Maximum vCPUs",
  unmanagedvCpus: "Maximum vCPUs",
  [`Tag ${MEMORY_TAG}`]: "Memory (MiB)",
  [MEMORY_TAG]: "Memory (MiB)",
  [`Tag ${GPU_IDS_TAG}`]: "GPU ids",
  [GPU_IDS_TAG]: "GPU ids",
} as const;

export interface ComputeEnvironmentFormValues {
  name: string;
  type: "MANAGED" | "UNMANAGED";
  state: "ENABLED" | "DISABLED";
  maxvCpus: string;
  memoryMiB: string;
  gpuIds: string;
  tags: Pair[];
}

/** Values from a described environment, for the edit form. */
export function valuesFromDetail(detail: Record<string, unknown>): ComputeEnvironmentFormValues {
  const tags = (detail.tags ?? {}) as Record<string, string>;
  const cr = (detail.computeResources ?? {}) as { maxvCpus?: number };
  const vcpus = detail.type === "UNMANAGED" ? detail.unmanagedvCpus : cr.maxvCpus;
  return {
    name: String(detail.computeEnvironmentName),
    type: detail.type === "UNMANAGED" ? "UNMANAGED" : "MANAGED",
    state: detail.state === "DISABLED" ? "DISABLED" : "ENABLED",
    maxvCpus: vcpus === undefined ? "" : String(vcpus),
    memoryMiB: tags[MEMORY_TAG] ?? "",
    gpuIds: tags[GPU_IDS_TAG] ?? "",
    tags: Object.entries(tags)
      .filter(([k]) => k !== MEMORY_TAG && k !== GPU_IDS_TAG)
      .map(([key, value]) => ({ key, value })),
  };
}

export const EMPTY_COMPUTE_ENVIRONMENT: ComputeEnvironmentFormValues = {
  name: "",
  type: "MANAGED",
  state: "ENABLED",
  maxvCpus: "",
  memoryMiB: "",
  gpuIds: "",
  tags: [],
};
