// The AWS backend's "Create compute environment" form and its raw JSON are two views of one
// CreateComputeEnvironment request, as the job definition form is for RegisterJobDefinition.
// The form edits what AWS Batch users set by hand; anything it has no control for (imageId,
// ec2Configuration, updatePolicy, launchTemplate overrides, …) rides along in `base`, so
// switching views loses nothing. The request goes to AWS as built: validation is the server's
// (createComputeEnvironmentInput, then AWS), and `fieldForPath` / `inFormWords` put its
// errors beside the form field they concern, in the form's labels.
//
// Fargate takes maxvCpus, subnets and securityGroupIds only: AWS refuses the EC2 fields for
// it, so the form neither shows nor sends them for FARGATE / FARGATE_SPOT.
import type { Pair } from "./job-definition-form";

type Json = Record<string, unknown>;

export const CR_TYPES = ["EC2", "SPOT", "FARGATE", "FARGATE_SPOT"] as const;
export type CrType = (typeof CR_TYPES)[number];

/** The SDK's CRAllocationStrategy (kept in step by the unit test); "" leaves AWS's default, BEST_FIT. */
export const ALLOCATION_STRATEGIES = [
  "BEST_FIT",
  "BEST_FIT_PROGRESSIVE",
  "BEST_FIT_PROGRESSIVE_ORDERED",
  "SPOT_CAPACITY_OPTIMIZED",
  "SPOT_CAPACITY_OPTIMIZED_PRIORITIZED",
  "SPOT_PRICE_CAPACITY_OPTIMIZED",
] as const;

/** Suggestions for the instance types field; AWS Batch cannot list what a Region offers. */
export const INSTANCE_TYPE_SUGGESTIONS = [
  "optimal",
  "default_x86_64",
  "default_arm64",
  "m5",
  "m6i",
  "m7i",
  "c5",
  "c6i",
  "c7i",
  "r5",
  "r6i",
  "r7i",
  "m6g",
  "c6g",
  "r6g",
  "g5",
  "p4d",
  "m5.large",
  "m5.xlarge",
  "c5.2xlarge",
];

export const isFargate = (type: string) => type === "FARGATE" || type === "FARGATE_SPOT";

export interface AwsComputeEnvironmentForm {
  computeEnvironmentName: string;
  type: "MANAGED" | "UNMANAGED";
  state: "ENABLED" | "DISABLED";
  serviceRole: string;
  unmanagedvCpus: string;
  crType: CrType;
  minvCpus: string;
  maxvCpus: string;
  desiredvCpus: string;
  /** Comma-, space- or line-separated. */
  instanceTypes: string;
  allocationStrategy: string;
  instanceRole: string;
  bidPercentage: string;
  spotIamFleetRole: string;
  /** A launch template id (lt-…) or name. */
  launchTemplate: string;
  launchTemplateVersion: string;
  ec2KeyPair: string;
  subnets: string;
  securityGroupIds: string;
  /** computeResources.tags: applied to the EC2 instances. */
  instanceTags: Pair[];
  /** The environment's own tags. */
  tags: Pair[];
  /** The request as last read from JSON, minus what the fields above hold. */
  base: Json;
}

export type AwsCeField = Exclude<keyof AwsComputeEnvironmentForm, "base"> | "_";

/** The form's label for each field: errors are told in these words. */
export const AWS_CE_LABELS: Record<Exclude<AwsCeField, "_">, string> = {
  computeEnvironmentName: "Name",
  type: "Type",
  state: "State",
  serviceRole: "Service role",
  unmanagedvCpus: "Unmanaged vCPUs",
  crType: "Provisioning model",
  minvCpus: "Minimum vCPUs",
  maxvCpus: "Maximum vCPUs",
  desiredvCpus: "Desired vCPUs",
  instanceTypes: "Instance types",
  allocationStrategy: "Allocation strategy",
  instanceRole: "Instance role",
  bidPercentage: "Spot bid percentage",
  spotIamFleetRole: "Spot fleet role",
  launchTemplate: "Launch template",
  launchTemplateVersion: "Launch template version",
  ec2KeyPair: "EC2 key pair",
  subnets: "Subnets",
  securityGroupIds: "Security groups",
  instanceTags: "Instance tags",
  tags: "Tags",
};

/** computeResources keys the form has a field for, and that field. */
const CR_FIELDS: Record<string, AwsCeField> = {
  type: "crType",
  minvCpus: "minvCpus",
  maxvCpus: "maxvCpus",
  desiredvCpus: "desiredvCpus",
  instanceTypes: "instanceTypes",
  allocationStrategy: "allocationStrategy",
  instanceRole: "instanceRole",
  bidPercentage: "bidPercentage",
  spotIamFleetRole: "spotIamFleetRole",
  launchTemplate: "launchTemplate",
  ec2KeyPair: "ec2KeyPair",
  subnets: "subnets",
  securityGroupIds: "securityGroupIds",
  tags: "instanceTags",
};
const TOP_FIELDS: Record<string, AwsCeField> = {
  computeEnvironmentName: "computeEnvironmentName",
  type: "type",
  state: "state",
  serviceRole: "serviceRole",
  unmanagedvCpus: "unmanagedvCpus",
  tags: "tags",
};

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const listText = (v: unknown) => (Array.isArray(v) ? v.map(String).join(", ") : text(v));
const pairsOf = (map: unknown): Pair[] =>
  isObject(map) ? Object.entries(map).map(([key, value]) => ({ key, value: String(value) })) : [];

export function emptyAwsComputeEnvironmentForm(): AwsComputeEnvironmentForm {
  return {
    computeEnvironmentName: "",
    type: "MANAGED",
    state: "ENABLED",
    serviceRole: "",
    unmanagedvCpus: "",
    crType: "EC2",
    minvCpus: "0",
    maxvCpus: "",
    desiredvCpus: "",
    instanceTypes: "optimal",
    allocationStrategy: "",
    instanceRole: "",
    bidPercentage: "",
    spotIamFleetRole: "",
    launchTemplate: "",
    launchTemplateVersion: "",
    ec2KeyPair: "",
    subnets: "",
    securityGroupIds: "",
    instanceTags: [],
    tags: [],
    base: {},
  };
}

/** CreateComputeEnvironment JSON → form. Fields the form has no control for stay in `base`. */
export function requestToAwsForm(request: Json): AwsComputeEnvironmentForm {
  const base: Json = structuredClone(request);
  const cr: Json = isObject(base.computeResources) ? base.computeResources : {};
  const lt: Json = isObject(cr.launchTemplate) ? cr.launchTemplate : {};
  const crType = CR_TYPES.find((t) => t === cr.type) ?? "EC2";
  const form: AwsComputeEnvironmentForm = {
    computeEnvironmentName: text(base.computeEnvironmentName),
    type: base.type === "UNMANAGED" ? "UNMANAGED" : "MANAGED",
    state: base.state === "DISABLED" ? "DISABLED" : "ENABLED",
    serviceRole: text(base.serviceRole),
    unmanagedvCpus: text(base.unmanagedvCpus),
    crType,
    minvCpus: text(cr.minvCpus),
    maxvCpus: text(cr.maxvCpus),
    desiredvCpus: text(cr.desiredvCpus),
    instanceTypes: listText(cr.instanceTypes),
    allocationStrategy: text(cr.allocationStrategy),
    instanceRole: text(cr.instanceRole),
    bidPercentage: text(cr.bidPercentage),
    spotIamFleetRole: text(cr.spotIamFleetRole),
    launchTemplate: text(lt.launchTemplateId) || text(lt.launchTemplateName),
    launchTemplateVersion: text(lt.version),
    ec2KeyPair: text(cr.ec2KeyPair),
    subnets: listText(cr.subnets),
    securityGroupIds: listText(cr.securityGroupIds),
    instanceTags: pairsOf(cr.tags),
    tags: pairsOf(base.tags),
    base,
  };
  // What the form shows leaves `base`. A type the form has no choice for reads as its default
  // (the JSON tab still submits the text as written).
  for (const key of Object.keys(TOP_FIELDS)) delete base[key];
  if (isObject(base.computeResources)) {
    for (const key of Object.keys(CR_FIELDS)) if (key !== "launchTemplate") delete cr[key];
    const { launchTemplateId: _id, launchTemplateName: _name, version: _version, ...ltRest } = lt;
    if (Object.keys(ltRest).length) cr.launchTemplate = ltRest;
    else delete cr.launchTemplate;
    if (Object.keys(cr).length === 0) delete base.computeResources;
  }
  return form;
}

/** A number as the request carries it: a number when it reads as one, else the text, so the
 * server's message names the bad value; undefined when empty. */
function numberOrText(value: string): number | string | undefined {
  const t = value.trim();
  if (t === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** Ids separated by commas, spaces or new lines. */
export function listOf(value: string): string[] | undefined {
  const items = value.split(/[\s,]+/).filter((s) => s !== "");
  return items.length ? items : undefined;
}

function mapOf(pairs: Pair[]): Record<string, string> | undefined {
  const kept = pairs.filter((p) => p.key.trim() !== "");
  return kept.length ? Object.fromEntries(kept.map((p) => [p.key.trim(), p.value])) : undefined;
}

const trimmed = (value: string) => value.trim() || undefined;

/** Drops the keys whose value is undefined, keeping the order of the rest. */
function defined(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

function launchTemplateOf(form: AwsComputeEnvironmentForm, rest: unknown): Json | undefined {
  const ref = form.launchTemplate.trim();
  const extra = isObject(rest) ? rest : {};
  if (!ref && !form.launchTemplateVersion.trim() && Object.keys(extra).length === 0) return undefined;
  return defined({
    ...(/^lt-[0-9a-z]+$/.test(ref) ? { launchTemplateId: ref } : { launchTemplateName: ref || undefined }),
    version: trimmed(form.launchTemplateVersion),
    ...extra,
  });
}

/** Form → CreateComputeEnvironment request, in the order the AWS CLI's skeleton has it. */
export function awsFormToRequest(form: AwsComputeEnvironmentForm): Json {
  const { computeResources: baseCr, ...rest } = form.base;
  const crRest: Json = isObject(baseCr) ? { ...baseCr } : {};
  const { launchTemplate: ltRest, ...crOthers } = crRest;
  let computeResources: Json | undefined;
  if (form.type === "MANAGED") {
    const ec2 = !isFargate(form.crType);
    const spot = form.crType === "SPOT";
    computeResources = defined({
      type: form.crType,
      allocationStrategy: ec2 ? trimmed(form.allocationStrategy) : undefined,
      minvCpus: ec2 ? numberOrText(form.minvCpus) : undefined,
      maxvCpus: numberOrText(form.maxvCpus),
      desiredvCpus: ec2 ? numberOrText(form.desiredvCpus) : undefined,
      instanceTypes: ec2 ? listOf(form.instanceTypes) : undefined,
      subnets: listOf(form.subnets),
      securityGroupIds: listOf(form.securityGroupIds),
      instanceRole: ec2 ? trimmed(form.instanceRole) : undefined,
      ec2KeyPair: ec2 ? trimmed(form.ec2KeyPair) : undefined,
      bidPercentage: spot ? numberOrText(form.bidPercentage) : undefined,
      spotIamFleetRole: spot ? trimmed(form.spotIamFleetRole) : undefined,
      launchTemplate: ec2 ? launchTemplateOf(form, ltRest) : isObject(ltRest) ? ltRest : undefined,
      tags: ec2 ? mapOf(form.instanceTags) : undefined,
      ...crOthers,
    });
  } else if (Object.keys(crRest).length) {
    computeResources = crRest;
  }
  return defined({
    computeEnvironmentName: form.computeEnvironmentName.trim(),
    type: form.type,
    state: form.state,
    unmanagedvCpus: form.type === "UNMANAGED" ? numberOrText(form.unmanagedvCpus) : undefined,
    computeResources,
    serviceRole: trimmed(form.serviceRole),
    ...rest,
    tags: mapOf(form.tags),
  });
}

/**
 * The form field a server or AWS error belongs to, from the zod path the action reports
 * ("computeResources.maxvCpus") or, when the path says nothing (AWS's own ClientException, a
 * check across fields), from the first request field the message names; "_" when none.
 */
export function fieldForPath(path: string, message = ""): AwsCeField {
  const [top, second] = path.split(".");
  if (top === "computeResources") {
    if (second && CR_FIELDS[second]) return CR_FIELDS[second];
  } else if (top && TOP_FIELDS[top]) return TOP_FIELDS[top];
  const named = /computeResources\.(\w+)/.exec(message)?.[1];
  if (named && CR_FIELDS[named]) return CR_FIELDS[named];
  if (top === "computeResources") return path === "computeResources" && /UNMANAGED/.test(message) ? "type" : "_";
  // AWS's own messages name fields without their path ("subnets cannot be empty …").
  for (const [key, field] of [...Object.entries(CR_FIELDS), ...Object.entries(TOP_FIELDS)]) {
    if (["type", "state", "tags"].includes(key)) continue;
    if (new RegExp(`\\b${key}\\b`).test(message)) return field;
  }
  return "_";
}

/** A request-shaped message in the form's words: "computeResources.maxvCpus" → "Maximum vCPUs". */
export function inFormWords(message: string): string {
  let out = message;
  for (const [key, field] of Object.entries(CR_FIELDS)) {
    if (key === "type" || key === "tags" || field === "_") continue;
    const label = AWS_CE_LABELS[field];
    out = out.replace(new RegExp(`computeResources\\.${key}\\b`, "g"), label);
    out = out.replace(new RegExp(`(?<![.\\w])${key}\\b`, "g"), label);
  }
  out = out.replace(/computeResources\.type\b/g, AWS_CE_LABELS.crType);
  out = out.replace(/computeResources\.tags\b/g, AWS_CE_LABELS.instanceTags);
  for (const key of ["computeEnvironmentName", "serviceRole", "unmanagedvCpus"] as const) {
    out = out.replace(new RegExp(`\\b${key}\\b`, "g"), AWS_CE_LABELS[key]);
  }
  return out;
}

/** Server field errors regrouped by form field, in the form's words. */
export function awsFormErrorsFrom(fieldErrors: Record<string, string[]>): Partial<Record<AwsCeField, string[]>> {
  const out: Partial<Record<AwsCeField, string[]>> = {};
  for (const [path, messages] of Object.entries(fieldErrors)) {
    for (const message of messages) {
      const field = fieldForPath(path, message);
      out[field] = [...(out[field] ?? []), inFormWords(message)];
    }
  }
  return out;
}
