// What the job definition pages show of a revision: its image, command and resources. A
// definition on AWS may describe its container elsewhere than containerProperties: ECS
// properties (the first task's first container), EKS properties (the pod's first container,
// with `resources.limits`) or multi-node properties (the first node range's container); the
// revision's JSON, shown beside, has the rest.

interface Requirement {
  type: string;
  value: string;
}
interface ContainerLike {
  image?: string;
  command?: string[];
  resourceRequirements?: Requirement[];
  /** EKS: Kubernetes limits ("cpu", "memory", "nvidia.com/gpu"). */
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}

export interface DefinitionSummary {
  /** Where the container was found, when not containerProperties: "ECS", "EKS", "multi-node". */
  kind: "container" | "ECS" | "EKS" | "multi-node" | null;
  image: string | null;
  command: string[];
  vcpus: string | null;
  memoryMiB: string | null;
  gpus: string | null;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const first = (v: unknown): Record<string, unknown> | undefined => (Array.isArray(v) ? obj(v[0]) : undefined);

function containerOf(def: Record<string, unknown>): { kind: DefinitionSummary["kind"]; c?: ContainerLike } {
  const container = obj(def.containerProperties);
  if (container) return { kind: "container", c: container };
  const ecs = first(first(obj(def.ecsProperties)?.taskProperties)?.containers);
  if (ecs) return { kind: "ECS", c: ecs };
  const eks = first(obj(obj(def.eksProperties)?.podProperties)?.containers);
  if (eks) return { kind: "EKS", c: eks };
  const node = obj(first(obj(def.nodeProperties)?.nodeRangeProperties)?.container);
  if (node) return { kind: "multi-node", c: node };
  return { kind: null };
}

export function summarizeDefinition(def: Record<string, unknown> | null | undefined): DefinitionSummary {
  const { kind, c } = def ? containerOf(def) : { kind: null };
  const req = (type: string) => c?.resourceRequirements?.find((r) => r.type === type)?.value ?? null;
  const limits = c?.resources?.limits ?? c?.resources?.requests ?? {};
  return {
    kind,
    image: typeof c?.image === "string" ? c.image : null,
    command: Array.isArray(c?.command) ? c.command.map(String) : [],
    vcpus: req("VCPU") ?? limits.cpu ?? null,
    memoryMiB: req("MEMORY") ?? null,
    gpus: req("GPU") ?? limits["nvidia.com/gpu"] ?? null,
  };
}
