// SubmitJob's container: the job definition's containerProperties with the submission's
// containerOverrides applied and `Ref::` parameters substituted, resolved once at submission
// into the ResolvedContainer the engine runs (lib/batch/container.ts).
//
// Precedence follows AWS: an override's resourceRequirements beat its legacy vcpus/memory, which
// beat the definition's resourceRequirements, which beat the definition's legacy fields.
// Environment overrides replace a definition variable of the same name and add the rest.
import type { ResolvedContainer } from "@/lib/batch/container";
import { type Parameters, substituteParameters } from "@/lib/batch/parameters";
import type { ContainerOverrides } from "@/lib/batch/shapes/jobs";
import { invalid } from "@/lib/errors";

/** What a definition gives when it names no amount (the Job columns' defaults). */
export const DEFAULT_VCPUS = 1;
export const DEFAULT_MEMORY_MIB = 2048;

/** Fields of containerProperties that resolution consumes; everything else is kept in `extra`. */
const CONSUMED = new Set(["image", "command", "environment", "resourceRequirements", "vcpus", "memory"]);

type Requirement = { type?: unknown; value?: unknown };

function requirement(list: unknown, type: "VCPU" | "MEMORY" | "GPU"): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const found = (list as Requirement[]).find((r) => r && r.type === type);
  return found && found.value !== undefined && found.value !== null ? String(found.value) : undefined;
}

function numberOf(value: unknown): string | undefined {
  return typeof value === "number" || typeof value === "string" ? String(value) : undefined;
}

function parseVcpus(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw invalid(`VCPU value "${text}" must be a positive number.`);
  return n;
}

function parseMemory(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 4) throw invalid(`MEMORY value "${text}" must be a whole number of MiB, at least 4.`);
  return n;
}

function parseGpus(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw invalid(`GPU value "${text}" must be a whole number, 0 or more.`);
  return n;
}

function mergeEnvironment(
  base: unknown,
  overrides: { name: string; value: string }[] | undefined,
): { name: string; value: string }[] {
  const merged = new Map<string, string>();
  if (Array.isArray(base)) {
    for (const e of base as { name?: unknown; value?: unknown }[]) {
      if (e && typeof e.name === "string") merged.set(e.name, typeof e.value === "string" ? e.value : "");
    }
  }
  for (const e of overrides ?? []) merged.set(e.name, e.value);
  return [...merged].map(([name, value]) => ({ name, value }));
}

export function resolveContainer(
  containerProperties: Record<string, unknown>,
  overrides: ContainerOverrides | undefined,
  parameters: Parameters,
): ResolvedContainer {
  const o = overrides ?? {};
  const rawCommand = o.command ?? containerProperties.command;
  const command = Array.isArray(rawCommand) ? rawCommand.map(String) : [];
  // No command: as on AWS, the container runs its image's CMD. The process executor has no image
  // to ask, and fails such an attempt with a reason that says so (engine/process-runner.ts).
  const vcpuText =
    requirement(o.resourceRequirements, "VCPU") ??
    numberOf(o.vcpus) ??
    requirement(containerProperties.resourceRequirements, "VCPU") ??
    numberOf(containerProperties.vcpus);
  const memoryText =
    requirement(o.resourceRequirements, "MEMORY") ??
    numberOf(o.memory) ??
    requirement(containerProperties.resourceRequirements, "MEMORY") ??
    numberOf(containerProperties.memory);
  const gpuText =
    requirement(o.resourceRequirements, "GPU") ?? requirement(containerProperties.resourceRequirements, "GPU");

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(containerProperties)) if (!CONSUMED.has(key)) extra[key] = value;
  if (o.instanceType !== undefined) extra.instanceType = o.instanceType;

  return {
    image: typeof containerProperties.image === "string" ? containerProperties.image : "",
    command: substituteParameters(command, parameters),
    environment: mergeEnvironment(containerProperties.environment, o.environment),
    vcpus: vcpuText === undefined ? DEFAULT_VCPUS : parseVcpus(vcpuText),
    memoryMiB: memoryText === undefined ? DEFAULT_MEMORY_MIB : parseMemory(memoryText),
    gpus: gpuText === undefined ? 0 : parseGpus(gpuText),
    extra,
  };
}
