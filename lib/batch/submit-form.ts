// The console's submit form and the raw SubmitJob request it edits, kept in step: the form is
// strings and rows (what inputs hold), the request is AWS's JSON. Both directions are pure so
// the page can convert on every keystroke and the round trip is unit-tested.
//
// Fields the form has no input for (propagateTags, containerOverrides.instanceType, …) ride
// along in `extra`, so editing the form never drops what was typed into the JSON.

export type DependencyType = "" | "N_TO_N" | "SEQUENTIAL";

export interface SubmitFormState {
  jobName: string;
  jobDefinitionName: string;
  /** Empty: the latest ACTIVE revision. */
  jobDefinitionRevision: string;
  jobQueue: string;
  arraySize: string;
  dependsOn: { jobId: string; type: DependencyType }[];
  parameters: { name: string; value: string }[];
  /** One argument per line; or a JSON array when an argument itself spans lines. */
  command: string;
  environment: { name: string; value: string }[];
  vcpus: string;
  memory: string;
  gpus: string;
  retryAttempts: string;
  evaluateOnExit: { onStatusReason: string; onReason: string; onExitCode: string; action: "RETRY" | "EXIT" }[];
  timeoutSeconds: string;
  shareIdentifier: string;
  schedulingPriorityOverride: string;
  tags: { key: string; value: string }[];
  /** Request fields the form does not show, kept as given. */
  extra: Record<string, unknown>;
  /** containerOverrides fields the form does not show. */
  extraOverrides: Record<string, unknown>;
}

/** A SubmitJob request body (AWS shape); validated by the server's zod schema, not here. */
export type SubmitJobRequest = Record<string, unknown>;

export const emptySubmitForm = (): SubmitFormState => ({
  jobName: "",
  jobDefinitionName: "",
  jobDefinitionRevision: "",
  jobQueue: "",
  arraySize: "",
  dependsOn: [],
  parameters: [],
  command: "",
  environment: [],
  vcpus: "",
  memory: "",
  gpus: "",
  retryAttempts: "",
  evaluateOnExit: [],
  timeoutSeconds: "",
  shareIdentifier: "",
  schedulingPriorityOverride: "",
  tags: [],
  extra: {},
  extraOverrides: {},
});

/** Field errors keyed by the request path the server also uses ("arrayProperties.size"). */
export type FieldErrors = Record<string, string[]>;

const FORM_KEYS = new Set([
  "jobName",
  "jobDefinition",
  "jobQueue",
  "arrayProperties",
  "dependsOn",
  "parameters",
  "containerOverrides",
  "retryStrategy",
  "timeout",
  "shareIdentifier",
  "schedulingPriorityOverride",
  "tags",
]);
const OVERRIDE_KEYS = new Set(["command", "environment", "resourceRequirements"]);

function addError(errors: FieldErrors, path: string, message: string) {
  errors[path] = [...(errors[path] ?? []), message];
}

/** A whole number from an input, or undefined when empty; an error when it is not one. */
function integer(text: string, path: string, label: string, errors: FieldErrors): number | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (!/^-?\d+$/.test(t)) {
    addError(errors, path, `${label} must be a whole number.`);
    return undefined;
  }
  return Number(t);
}

export function parseCommand(text: string): { command?: string[]; error?: string } {
  const t = text.trim();
  if (t === "") return {};
  if (t.startsWith("[")) {
    try {
      const v = JSON.parse(t);
      if (Array.isArray(v) && v.every((a) => typeof a === "string")) return { command: v };
    } catch {
      // fall through to the message below
    }
    return { error: 'A command starting with "[" must be a JSON array of strings.' };
  }
  return { command: text.split(/\r?\n/).filter((line) => line.trim() !== "") };
}

export function formatCommand(command: readonly string[]): string {
  // Lines cannot hold an argument that spans lines or is blank, nor a first one that reads as JSON.
  return command.some((a) => a.includes("\n") || a.includes("\r") || a.trim() === "") ||
    (command[0] ?? "").trimStart().startsWith("[")
    ? JSON.stringify(command)
    : command.join("\n");
}

export function formToRequest(form: SubmitFormState): { request: SubmitJobRequest; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const request: SubmitJobRequest = { ...form.extra };
  request.jobName = form.jobName;
  const revision = form.jobDefinitionRevision.trim();
  request.jobDefinition = revision ? `${form.jobDefinitionName}:${revision}` : form.jobDefinitionName;
  if (revision && !/^\d+$/.test(revision)) addError(errors, "jobDefinition", "Revision must be a whole number.");
  request.jobQueue = form.jobQueue;

  const size = integer(form.arraySize, "arrayProperties.size", SUBMIT_JOB_LABELS["arrayProperties.size"], errors);
  if (size !== undefined) request.arrayProperties = { size };
  const deps = form.dependsOn
    .filter((d) => d.jobId.trim() !== "" || d.type !== "")
    .map((d) => ({ ...(d.jobId.trim() ? { jobId: d.jobId.trim() } : {}), ...(d.type ? { type: d.type } : {}) }));
  if (deps.length) request.dependsOn = deps;
  const params = form.parameters.filter((p) => p.name.trim() !== "");
  if (params.length) request.parameters = Object.fromEntries(params.map((p) => [p.name.trim(), p.value]));

  const overrides: Record<string, unknown> = { ...form.extraOverrides };
  const { command, error } = parseCommand(form.command);
  if (error) addError(errors, "containerOverrides.command", error);
  if (command?.length) overrides.command = command;
  const env = form.environment.filter((e) => e.name.trim() !== "");
  if (env.length) overrides.environment = env.map((e) => ({ name: e.name.trim(), value: e.value }));
  const requirements: { type: string; value: string }[] = [];
  for (const [type, text, label] of [
    ["VCPU", form.vcpus, "vCPUs"],
    ["MEMORY", form.memory, "Memory (MiB)"],
    ["GPU", form.gpus, "GPUs"],
  ] as const) {
    const t = text.trim();
    if (t === "") continue;
    if (!/^\d+(\.\d+)?$/.test(t)) {
      addError(errors, `containerOverrides.resourceRequirements.${type}`, `${label} must be a number.`);
      continue;
    }
    requirements.push({ type, value: t });
  }
  if (requirements.length) overrides.resourceRequirements = requirements;
  if (Object.keys(overrides).length) request.containerOverrides = overrides;

  const attempts = integer(
    form.retryAttempts,
    "retryStrategy.attempts",
    SUBMIT_JOB_LABELS["retryStrategy.attempts"],
    errors,
  );
  const rules = form.evaluateOnExit.map((r) => ({
    ...(r.onStatusReason ? { onStatusReason: r.onStatusReason } : {}),
    ...(r.onReason ? { onReason: r.onReason } : {}),
    ...(r.onExitCode ? { onExitCode: r.onExitCode } : {}),
    action: r.action,
  }));
  if (attempts !== undefined || rules.length) {
    if (attempts === undefined && !errors["retryStrategy.attempts"]) {
      addError(errors, "retryStrategy.attempts", "Set the number of attempts to use exit rules.");
    }
    request.retryStrategy = {
      ...(attempts !== undefined ? { attempts } : {}),
      ...(rules.length ? { evaluateOnExit: rules } : {}),
    };
  }
  const timeout = integer(
    form.timeoutSeconds,
    "timeout.attemptDurationSeconds",
    SUBMIT_JOB_LABELS["timeout.attemptDurationSeconds"],
    errors,
  );
  if (timeout !== undefined) request.timeout = { attemptDurationSeconds: timeout };
  if (form.shareIdentifier.trim()) request.shareIdentifier = form.shareIdentifier.trim();
  const priority = integer(
    form.schedulingPriorityOverride,
    "schedulingPriorityOverride",
    SUBMIT_JOB_LABELS.schedulingPriorityOverride,
    errors,
  );
  if (priority !== undefined) request.schedulingPriorityOverride = priority;
  const tags = form.tags.filter((t) => t.key.trim() !== "");
  if (tags.length) request.tags = Object.fromEntries(tags.map((t) => [t.key.trim(), t.value]));
  return { request, errors };
}

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `name`, `name:revision` or a job definition ARN → name and revision. */
export function splitDefinition(ref: string): { name: string; revision: string } {
  const arn = /^arn:[^:]+:batch:[^:]*:[^:]*:job-definition\/(.+)$/.exec(ref);
  const text = arn?.[1] ?? ref;
  const m = /^(.*):(\d+)$/.exec(text);
  return m ? { name: m[1] ?? "", revision: m[2] ?? "" } : { name: text, revision: "" };
}

/** A queue name from a name or an ARN. */
export function queueName(ref: string): string {
  return /^arn:[^:]+:batch:[^:]*:[^:]*:job-queue\/(.+)$/.exec(ref)?.[1] ?? ref;
}

/**
 * A request (parsed JSON) → the form. Anything the form cannot show in its inputs stays in
 * `extra`/`extraOverrides`; a value of the wrong type is reported and left out of the form.
 */
export function requestToForm(raw: unknown): { form: SubmitFormState; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const form = emptySubmitForm();
  if (!isObject(raw)) {
    addError(errors, "_", "The request must be a JSON object.");
    return { form, errors };
  }
  for (const [k, v] of Object.entries(raw)) if (!FORM_KEYS.has(k)) form.extra[k] = v;
  form.jobName = str(raw.jobName);
  const def = splitDefinition(str(raw.jobDefinition));
  form.jobDefinitionName = def.name;
  form.jobDefinitionRevision = def.revision;
  form.jobQueue = queueName(str(raw.jobQueue));
  if (isObject(raw.arrayProperties)) form.arraySize = str(raw.arrayProperties.size);
  if (Array.isArray(raw.dependsOn)) {
    form.dependsOn = raw.dependsOn.filter(isObject).map((d) => ({
      jobId: str(d.jobId),
      type: d.type === "N_TO_N" || d.type === "SEQUENTIAL" ? d.type : "",
    }));
  }
  if (isObject(raw.parameters)) {
    form.parameters = Object.entries(raw.parameters).map(([name, value]) => ({ name, value: str(value) }));
  }
  const o = raw.containerOverrides;
  if (isObject(o)) {
    for (const [k, v] of Object.entries(o)) if (!OVERRIDE_KEYS.has(k)) form.extraOverrides[k] = v;
    if (Array.isArray(o.command)) form.command = formatCommand(o.command.map(str));
    else if (o.command !== undefined)
      addError(errors, "containerOverrides.command", "command must be a list of strings.");
    if (Array.isArray(o.environment)) {
      form.environment = o.environment.filter(isObject).map((e) => ({ name: str(e.name), value: str(e.value) }));
    }
    if (Array.isArray(o.resourceRequirements)) {
      for (const r of o.resourceRequirements.filter(isObject)) {
        if (r.type === "VCPU") form.vcpus = str(r.value);
        else if (r.type === "MEMORY") form.memory = str(r.value);
        else if (r.type === "GPU") form.gpus = str(r.value);
      }
    }
  }
  if (isObject(raw.retryStrategy)) {
    form.retryAttempts = str(raw.retryStrategy.attempts);
    if (Array.isArray(raw.retryStrategy.evaluateOnExit)) {
      form.evaluateOnExit = raw.retryStrategy.evaluateOnExit.filter(isObject).map((r) => ({
        onStatusReason: str(r.onStatusReason),
        onReason: str(r.onReason),
        onExitCode: str(r.onExitCode),
        action: str(r.action).toUpperCase() === "EXIT" ? "EXIT" : "RETRY",
      }));
    }
  }
  if (isObject(raw.timeout)) form.timeoutSeconds = str(raw.timeout.attemptDurationSeconds);
  form.shareIdentifier = str(raw.shareIdentifier);
  form.schedulingPriorityOverride = str(raw.schedulingPriorityOverride);
  if (isObject(raw.tags)) form.tags = Object.entries(raw.tags).map(([key, value]) => ({ key, value: str(value) }));
  return { form, errors };
}

/** The JSON text the raw editor shows. */
export const requestJson = (request: SubmitJobRequest): string => JSON.stringify(request, null, 2);

/** The JSON editor's text → the form, or the parse error to show under the editor. */
export function jsonToForm(text: string): { form?: SubmitFormState; error?: string; errors?: FieldErrors } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` };
  }
  const { form, errors } = requestToForm(raw);
  if (errors._) return { error: errors._.join(" ") };
  return { form, errors };
}

/**
 * The form's label for each request field a message may name, so errors read in the form's words
 * ("Attempt timeout (seconds) must be an integer at least 60.", lib/console/field-errors.ts inLabels).
 */
export const SUBMIT_JOB_LABELS = {
  jobName: "Job name",
  jobQueue: "Job queue",
  jobDefinition: "Job definition",
  "arrayProperties.size": "Array size",
  arrayProperties: "Array size",
  dependsOn: "Depends on",
  "containerOverrides.command": "Command override",
  "containerOverrides.environment": "Environment overrides",
  "containerOverrides.resourceRequirements": "Resources",
  "containerOverrides.vcpus": "vCPUs",
  "containerOverrides.memory": "Memory (MiB)",
  "retryStrategy.attempts": "Attempts",
  "retryStrategy.evaluateOnExit": "Retry rules",
  evaluateOnExit: "Retry rules",
  "evaluateOnExit.onExitCode": "A retry rule's exit code",
  "timeout.attemptDurationSeconds": "Attempt timeout (seconds)",
  shareIdentifier: "Share identifier",
  schedulingPriorityOverride: "Scheduling priority override",
} as const;

/** The form's fields in page order with their labels: what its error summary lists, first invalid first. */
export const SUBMIT_JOB_FIELDS = [
  ["jobName", "Job name"],
  ["jobQueue", "Job queue"],
  ["jobDefinition", "Job definition"],
  ["arraySize", "Array size"],
  ["dependsOn", "Depends on"],
  ["parameters", "Parameter values"],
  ["command", "Command override"],
  ["environment", "Environment overrides"],
  ["resources", "Resources"],
  ["retryAttempts", "Attempts"],
  ["timeoutSeconds", "Attempt timeout (seconds)"],
  ["evaluateOnExit", "Retry rules (evaluateOnExit)"],
  ["shareIdentifier", "Share identifier"],
  ["schedulingPriorityOverride", "Scheduling priority override"],
  ["tags", "Tags"],
] as const;

/** Which form field a server error path belongs to, so it is shown beside that field. */
export function formFieldOf(path: string): string {
  if (path.startsWith("containerOverrides.command")) return "command";
  if (path.startsWith("containerOverrides.environment")) return "environment";
  if (path.startsWith("containerOverrides.resourceRequirements")) return "resources";
  if (path.startsWith("containerOverrides.vcpus") || path.startsWith("containerOverrides.memory")) return "resources";
  if (path.startsWith("retryStrategy.evaluateOnExit")) return "evaluateOnExit";
  if (path.startsWith("retryStrategy")) return "retryAttempts";
  if (path.startsWith("timeout")) return "timeoutSeconds";
  if (path.startsWith("arrayProperties")) return "arraySize";
  if (path.startsWith("dependsOn")) return "dependsOn";
  const head = path.split(".")[0] ?? path;
  return head;
}

const MESSAGE_FIELDS = [
  "jobName",
  "jobQueue",
  "jobDefinition",
  "shareIdentifier",
  "schedulingPriorityOverride",
  "arrayProperties",
  "dependsOn",
  "parameters",
  "containerOverrides.command",
  "containerOverrides.environment",
  "containerOverrides.resourceRequirements",
  "retryStrategy",
  "timeout",
  "tags",
  "propagateTags",
];

/**
 * Groups a server answer's errors by form field: field errors by their path, and a message
 * that names a field first ("shareIdentifier is required: …") beside that field too.
 */
export function errorsByField(fieldErrors: FieldErrors | undefined, message?: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [path, list] of Object.entries(fieldErrors ?? {})) {
    const field = formFieldOf(path);
    out[field] = [...(out[field] ?? []), ...list];
  }
  if (message && !fieldErrors) {
    const named = MESSAGE_FIELDS.find((f) => message.startsWith(`${f} `) || message.startsWith(`${f}:`));
    if (named) out[formFieldOf(named)] = [message];
    else if (/^Job queue /.test(message)) out.jobQueue = [message];
    else if (/^Job definition /.test(message)) out.jobDefinition = [message];
  }
  return out;
}

/** The fields of a job (DescribeJobs' JobDetail) that a new submission repeats. */
export interface ResubmittableJob {
  jobName: string;
  jobQueue: string;
  jobDefinition: string;
  parameters?: Record<string, string>;
  shareIdentifier?: string;
  schedulingPriority?: number;
  dependsOn?: { jobId?: string; type?: string }[];
  container?: { command?: unknown; environment?: unknown; resourceRequirements?: unknown };
  arrayProperties?: { size?: number; index?: number };
  retryStrategy?: unknown;
  timeout?: { attemptDurationSeconds: number };
  tags?: Record<string, string>;
  propagateTags?: boolean;
  consumableResourceProperties?: { consumableResourceList?: { consumableResource?: string; quantity?: number }[] };
}

/** What the job's definition would have produced without overrides, to leave out of a resubmission. */
export interface DefinitionDefaults {
  command: string[];
  environment: { name: string; value: string }[];
  vcpus?: string;
  memory?: string;
  gpus?: string;
  schedulingPriority?: number;
}

/**
 * A SubmitJob request that runs the same job again ("submit again"): the same queue, definition
 * revision, parameters and settings, with container overrides only where the job differed from
 * its definition. Array children resubmit as a single job; dependencies are kept only when
 * asked for (a bulk re-run drops them: they have usually finished long ago).
 */
export function resubmitRequest(
  job: ResubmittableJob,
  defaults?: DefinitionDefaults,
  opts: { keepDependencies?: boolean } = {},
): SubmitJobRequest {
  const request: SubmitJobRequest = {
    jobName: job.jobName,
    jobQueue: job.jobQueue,
    jobDefinition: job.jobDefinition,
  };
  if (job.parameters && Object.keys(job.parameters).length) request.parameters = { ...job.parameters };
  if (job.arrayProperties?.size !== undefined) request.arrayProperties = { size: job.arrayProperties.size };
  if (opts.keepDependencies && job.dependsOn?.length) request.dependsOn = job.dependsOn.map((d) => ({ ...d }));
  const overrides: Record<string, unknown> = {};
  const command = Array.isArray(job.container?.command) ? job.container.command.map(String) : [];
  if (command.length && (!defaults || JSON.stringify(command) !== JSON.stringify(defaults.command))) {
    overrides.command = command;
  }
  const env = Array.isArray(job.container?.environment)
    ? (job.container.environment as { name?: unknown; value?: unknown }[]).map((e) => ({
        name: str(e.name),
        value: str(e.value),
      }))
    : [];
  const baseEnv = new Map((defaults?.environment ?? []).map((e) => [e.name, e.value]));
  const changed = env.filter((e) => !e.name.startsWith("AWS_BATCH") && baseEnv.get(e.name) !== e.value);
  if (changed.length) overrides.environment = changed;
  const reqs = Array.isArray(job.container?.resourceRequirements)
    ? (job.container.resourceRequirements as { type?: unknown; value?: unknown }[])
    : [];
  const own = reqs
    .map((r) => ({ type: str(r.type), value: str(r.value) }))
    .filter((r) => {
      const base = r.type === "VCPU" ? defaults?.vcpus : r.type === "MEMORY" ? defaults?.memory : defaults?.gpus;
      return !defaults || base !== r.value;
    });
  if (own.length) overrides.resourceRequirements = own;
  if (Object.keys(overrides).length) request.containerOverrides = overrides;
  if (job.retryStrategy) request.retryStrategy = job.retryStrategy;
  if (job.timeout) request.timeout = { ...job.timeout };
  if (job.shareIdentifier) request.shareIdentifier = job.shareIdentifier;
  if (job.schedulingPriority !== undefined && job.schedulingPriority !== (defaults?.schedulingPriority ?? 0)) {
    request.schedulingPriorityOverride = job.schedulingPriority;
  }
  if (job.tags && Object.keys(job.tags).length) request.tags = { ...job.tags };
  // The consumable resources the job required, as it required them (its definition's may have
  // been overridden at submission).
  const consumables = job.consumableResourceProperties?.consumableResourceList;
  if (consumables?.length) {
    request.consumableResourcePropertiesOverride = {
      consumableResourceList: consumables.map((c) => ({
        consumableResource: c.consumableResource,
        quantity: c.quantity,
      })),
    };
  }
  return request;
}
