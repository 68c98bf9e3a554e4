// What a job definition's page says about one revision, and what its revision diff compares.
//
// The diff compares revisions as registration requests: the fields DescribeJobDefinitions adds
// to what was registered (the ARN, the revision number, ACTIVE / INACTIVE and the
// containerOrchestrationType derived from the properties) are identity and bookkeeping, so two
// revisions registered from the same request read "no differences". Object keys are sorted, so
// the same content written in another order is the same too.
import { requestFromDefinition } from "./job-definition-form";
import { summarizeDefinition } from "./job-definition-summary";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  const o = obj(value);
  if (!o) return value;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sortKeys(o[k])]),
  );
}

/** A revision as the diff compares it: its registration request, keys sorted, pretty JSON. */
export function comparableDefinition(definition: Json | undefined): string {
  if (!definition) return "";
  return JSON.stringify(sortKeys(requestFromDefinition(definition)), null, 2);
}

export interface ExitRule {
  action: string;
  /** "exit code 1*, reason …": what the rule matches, in words. */
  matches: string;
}

/** The facts of one revision a reader looks for first; the JSON beside has the rest. */
export interface RevisionFacts {
  type: string;
  image: string | null;
  /** ECS, EKS or multi-node when the container is not in containerProperties. */
  kind: string | null;
  command: string[];
  vcpus: string | null;
  memoryMiB: string | null;
  gpus: string | null;
  /** Attempts in all (1 when the revision sets no retry strategy). */
  attempts: number;
  exitRules: ExitRule[];
  /** attemptDurationSeconds, null when the revision sets none. */
  timeoutSeconds: number | null;
  environment: { name: string; value: string }[];
  secrets: string[];
  platformCapabilities: string[];
  tags: [string, string][];
  parameters: [string, string][];
  schedulingPriority: number | null;
  propagateTags: boolean;
}

function containerOf(def: Json): Json | undefined {
  return (
    obj(def.containerProperties) ??
    obj((obj(def.nodeProperties)?.nodeRangeProperties as Json[] | undefined)?.[0]?.container) ??
    undefined
  );
}

const stringPairs = (v: unknown): [string, string][] =>
  Object.entries(obj(v) ?? {}).map(([k, val]) => [k, String(val)] as [string, string]);

function exitRules(value: unknown): ExitRule[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const r = obj(raw) ?? {};
    const parts = [
      typeof r.onExitCode === "string" && `exit code ${r.onExitCode}`,
      typeof r.onStatusReason === "string" && `status reason ${r.onStatusReason}`,
      typeof r.onReason === "string" && `reason ${r.onReason}`,
    ].filter(Boolean);
    return { action: String(r.action ?? "").toUpperCase(), matches: parts.join(", ") || "any exit" };
  });
}

export function revisionFacts(def: Json): RevisionFacts {
  const s = summarizeDefinition(def);
  const c = containerOf(def);
  const retry = obj(def.retryStrategy);
  const attempts = Number(retry?.attempts);
  const timeout = Number(obj(def.timeout)?.attemptDurationSeconds);
  const environment = Array.isArray(c?.environment)
    ? (c.environment as Json[]).map((e) => ({ name: String(e.name ?? ""), value: String(e.value ?? "") }))
    : [];
  const secrets = Array.isArray(c?.secrets) ? (c.secrets as Json[]).map((e) => String(e.name ?? "")) : [];
  return {
    type: String(def.type ?? "container"),
    image: s.image,
    kind: s.kind && s.kind !== "container" ? s.kind : null,
    command: s.command,
    vcpus: s.vcpus,
    memoryMiB: s.memoryMiB,
    gpus: s.gpus,
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 1,
    exitRules: exitRules(retry?.evaluateOnExit),
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : null,
    environment,
    secrets,
    platformCapabilities: Array.isArray(def.platformCapabilities) ? def.platformCapabilities.map(String) : [],
    tags: stringPairs(def.tags),
    parameters: stringPairs(def.parameters),
    schedulingPriority: typeof def.schedulingPriority === "number" ? def.schedulingPriority : null,
    propagateTags: def.propagateTags === true,
  };
}

/** "90 s" / "10 min" / "1 h 30 min": a timeout as people say it, with the seconds when not round. */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h && `${h} h`, m && `${m} min`, s && `${s} s`].filter(Boolean).join(" ");
}

/** "etl:3" → { name: "etl", revision: 3 }; null when the text is not name:revision. */
export function parseRevisionRef(text: string | undefined): { name: string; revision: number } | null {
  if (!text) return null;
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return null;
  const revision = Number(text.slice(colon + 1));
  if (!Number.isInteger(revision) || revision < 1) return null;
  return { name: text.slice(0, colon), revision };
}
