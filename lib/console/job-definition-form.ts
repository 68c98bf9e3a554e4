// The register-a-revision form and its raw JSON are two views of one RegisterJobDefinition
// request. These pure functions carry one into the other: the form edits the fields people
// change most, and everything it has no control for (volumes, evaluateOnExit rules, …) rides
// along in `base`, so switching between the views loses nothing. Validation is not done here:
// the server validates the request with registerJobDefinitionInput, and `fieldForPath` puts
// each error it reports beside the form field it concerns.

export interface Pair {
  key: string;
  value: string;
}

export interface JobDefinitionForm {
  jobDefinitionName: string;
  image: string;
  /** One argument per line, or a JSON array of strings. */
  command: string;
  vcpus: string;
  memory: string;
  gpu: string;
  environment: Pair[];
  parameters: Pair[];
  retryAttempts: string;
  timeoutSeconds: string;
  tags: Pair[];
  /** The request as last read from JSON, minus what the fields above hold. */
  base: Record<string, unknown>;
}

export type FormErrors = Partial<Record<FormField, string[]>>;
export type FormField = Exclude<keyof JobDefinitionForm, "base"> | "_";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function emptyForm(name = ""): JobDefinitionForm {
  return {
    jobDefinitionName: name,
    image: "",
    command: "",
    vcpus: "1",
    memory: "2048",
    gpu: "",
    environment: [],
    parameters: [],
    retryAttempts: "",
    timeoutSeconds: "",
    tags: [],
    base: { type: "container" },
  };
}

/** Fields of a described definition that a registration does not take. */
const DESCRIBE_ONLY = ["jobDefinitionArn", "revision", "status", "containerOrchestrationType"];

/** A described revision as a request: what "start from revision N" fills the form with. */
export function requestFromDefinition(definition: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(definition)) if (!DESCRIBE_ONLY.includes(k)) out[k] = v;
  return out;
}

/** One argument per line reads back as the same vector; otherwise show the JSON array. */
export function commandToText(command: unknown): string {
  if (!Array.isArray(command) || command.length === 0) return "";
  const args = command.map(String);
  const linesWork = args.every((a) => a !== "" && !a.includes("\n") && a.trim() === a) && !args[0]?.startsWith("[");
  return linesWork ? args.join("\n") : JSON.stringify(args);
}

/** The command vector from the text area, or the reason it is not one. */
export function parseCommand(text: string): { ok: true; command: string[] } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, command: [] };
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { ok: false, error: 'Command starting with "[" must be a JSON array of strings, such as ["echo", "hi"].' };
    }
    if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === "string")) {
      return { ok: false, error: "Command must be a JSON array of strings." };
    }
    return { ok: true, command: parsed };
  }
  return {
    ok: true,
    command: text
      .replace(/\r\n/g, "\n")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== ""),
  };
}

function pairsOf(map: unknown): Pair[] {
  if (!isObject(map)) return [];
  return Object.entries(map).map(([key, value]) => ({ key, value: String(value) }));
}

function mapOf(pairs: Pair[]): Record<string, string> | undefined {
  const kept = pairs.filter((p) => p.key.trim() !== "");
  if (kept.length === 0) return undefined;
  return Object.fromEntries(kept.map((p) => [p.key.trim(), p.value]));
}

const numberText = (v: unknown) => (typeof v === "number" || typeof v === "string" ? String(v) : "");

/** JSON → form. Unknown fields stay in `base`. */
export function definitionToForm(request: Json): JobDefinitionForm {
  const base: Json = structuredClone(request);
  const container: Json = isObject(base.containerProperties) ? { ...base.containerProperties } : {};
  const requirements = Array.isArray(container.resourceRequirements)
    ? (container.resourceRequirements as unknown[]).filter(isObject)
    : [];
  const requirement = (type: string) => numberText(requirements.find((r) => r.type === type)?.value);
  const form: JobDefinitionForm = {
    jobDefinitionName: typeof base.jobDefinitionName === "string" ? base.jobDefinitionName : "",
    image: typeof container.image === "string" ? container.image : "",
    command: commandToText(container.command),
    // The deprecated vcpus/memory fields count when no resourceRequirements entry says otherwise.
    vcpus: requirement("VCPU") || numberText(container.vcpus),
    memory: requirement("MEMORY") || numberText(container.memory),
    gpu: requirement("GPU"),
    environment: Array.isArray(container.environment)
      ? (container.environment as unknown[]).filter(isObject).map((e) => ({
          key: String(e.name ?? ""),
          value: String(e.value ?? ""),
        }))
      : [],
    parameters: pairsOf(base.parameters),
    retryAttempts: isObject(base.retryStrategy) ? numberText(base.retryStrategy.attempts) : "",
    timeoutSeconds: isObject(base.timeout) ? numberText(base.timeout.attemptDurationSeconds) : "",
    tags: pairsOf(base.tags),
    base,
  };
  for (const key of ["image", "command", "environment", "vcpus", "memory"]) delete container[key];
  const others = requirements.filter((r) => !["VCPU", "MEMORY", "GPU"].includes(String(r.type)));
  if (others.length) container.resourceRequirements = others;
  else delete container.resourceRequirements;
  base.containerProperties = container;
  for (const key of ["jobDefinitionName", "parameters", "tags"]) delete base[key];
  if (isObject(base.retryStrategy)) {
    const { attempts: _attempts, ...rest } = base.retryStrategy;
    base.retryStrategy = rest;
  }
  if (isObject(base.timeout)) {
    const { attemptDurationSeconds: _seconds, ...rest } = base.timeout;
    base.timeout = rest;
  }
  return form;
}

/** A number field as the request carries it: a number when it reads as one, else the text (so
 * the server's message names the bad value). */
function numberOrText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** Form → JSON, or errors for fields that cannot be turned into a request at all. */
export function formToDefinition(form: JobDefinitionForm): { request: Json; errors: FormErrors } {
  const errors: FormErrors = {};
  const base = structuredClone(form.base);
  const container: Json = isObject(base.containerProperties) ? { ...base.containerProperties } : {};
  const parsed = parseCommand(form.command);
  if (!parsed.ok) errors.command = [parsed.error];

  const requirements: Json[] = [];
  const addRequirement = (type: string, text: string) => {
    if (text.trim() !== "") requirements.push({ type, value: text.trim() });
  };
  addRequirement("VCPU", form.vcpus);
  addRequirement("MEMORY", form.memory);
  addRequirement("GPU", form.gpu);
  const { resourceRequirements: kept, ...containerRest } = container;
  const others = Array.isArray(kept) ? (kept as Json[]) : [];

  const environment = form.environment
    .filter((e) => e.key.trim() !== "" || e.value !== "")
    .map((e) => ({ name: e.key.trim(), value: e.value }));

  const containerProperties: Json = {
    image: form.image.trim(),
    ...(parsed.ok && parsed.command.length ? { command: parsed.command } : {}),
    ...(environment.length ? { environment } : {}),
    ...(requirements.length + others.length ? { resourceRequirements: [...requirements, ...others] } : {}),
    ...containerRest,
  };
  // Keys from `base` must not override what the form says; they were removed from it on the
  // way in, so only fields the form does not show remain there.
  const retry: Json = { ...(isObject(base.retryStrategy) ? base.retryStrategy : {}) };
  const attempts = numberOrText(form.retryAttempts);
  if (attempts !== undefined) retry.attempts = attempts;
  const timeout: Json = { ...(isObject(base.timeout) ? base.timeout : {}) };
  const seconds = numberOrText(form.timeoutSeconds);
  if (seconds !== undefined) timeout.attemptDurationSeconds = seconds;

  const { retryStrategy: _r, timeout: _t, containerProperties: _c, type, ...rest } = base;
  const request: Json = {
    jobDefinitionName: form.jobDefinitionName.trim(),
    type: type ?? "container",
    ...(mapOf(form.parameters) ? { parameters: mapOf(form.parameters) } : {}),
    containerProperties,
    ...(Object.keys(retry).length ? { retryStrategy: retry } : {}),
    ...(Object.keys(timeout).length ? { timeout } : {}),
    ...rest,
    ...(mapOf(form.tags) ? { tags: mapOf(form.tags) } : {}),
  };
  return { request, errors };
}

/**
 * The form field a server-side validation error belongs to, from the zod issue path the action
 * reports ("containerProperties.resourceRequirements.1.value"); "_" for errors the form has no
 * field for (they are shown above the form).
 */
export function fieldForPath(path: string, request: Json): FormField {
  const parts = path.split(".");
  const [top, second, third] = parts;
  if (top === "jobDefinitionName") return "jobDefinitionName";
  if (top === "parameters") return "parameters";
  if (top === "tags") return "tags";
  if (top === "timeout") return "timeoutSeconds";
  if (top === "retryStrategy" && (second === undefined || second === "attempts")) return "retryAttempts";
  if (top === "containerProperties") {
    if (second === "image") return "image";
    if (second === "command") return "command";
    if (second === "environment") return "environment";
    if (second === "vcpus") return "vcpus";
    if (second === "memory") return "memory";
    if (second === "resourceRequirements") {
      if (third === undefined) return "vcpus";
      const container = isObject(request.containerProperties) ? request.containerProperties : {};
      const list = Array.isArray(container.resourceRequirements) ? (container.resourceRequirements as Json[]) : [];
      const type = list[Number(third)]?.type;
      return type === "MEMORY" ? "memory" : type === "GPU" ? "gpu" : type === "VCPU" ? "vcpus" : "_";
    }
    if (second === undefined) return "image";
  }
  return "_";
}

/** Server field errors regrouped by form field. */
export function formErrorsFrom(fieldErrors: Record<string, string[]>, request: Json): FormErrors {
  const out: FormErrors = {};
  for (const [path, messages] of Object.entries(fieldErrors)) {
    const field = fieldForPath(path, request);
    out[field] = [...(out[field] ?? []), ...messages];
  }
  return out;
}
