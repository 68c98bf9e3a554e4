// ARNs are the identifiers AWS clients pass around, so the built-in backend hands out real-looking
// ones: the region comes from configuration and the account is the organization's twelve-digit
// accountId. Parsing is strict about shape but not about region/account: callers compare the
// account with the organization's own, which is what keeps one tenant from naming another's
// resources.
import { env } from "@/lib/env";

export type ArnResourceType =
  | "compute-environment"
  | "job-queue"
  | "scheduling-policy"
  | "consumable-resource"
  | "job-definition"
  | "job";

export const ARN_RESOURCE_TYPES: readonly ArnResourceType[] = [
  "compute-environment",
  "job-queue",
  "scheduling-policy",
  "consumable-resource",
  "job-definition",
  "job",
];

export interface ParsedArn {
  region: string;
  accountId: string;
  resourceType: ArnResourceType;
  /** Resource name, or the job id for `job/…`. */
  name: string;
  /** Only for `job-definition/name:revision`; absent when the ARN omits the revision. */
  revision?: number;
}

const region = () => env().BATCHDECK_AWS_REGION;

export function buildArn(resourceType: ArnResourceType, accountId: string, resource: string): string {
  return `arn:aws:batch:${region()}:${accountId}:${resourceType}/${resource}`;
}

export const computeEnvironmentArn = (accountId: string, name: string) =>
  buildArn("compute-environment", accountId, name);
export const jobQueueArn = (accountId: string, name: string) => buildArn("job-queue", accountId, name);
export const schedulingPolicyArn = (accountId: string, name: string) => buildArn("scheduling-policy", accountId, name);
export const consumableResourceArn = (accountId: string, name: string) =>
  buildArn("consumable-resource", accountId, name);
export const jobDefinitionArn = (accountId: string, name: string, revision: number) =>
  buildArn("job-definition", accountId, `${name}:${revision}`);
export const jobArn = (accountId: string, jobId: string) => buildArn("job", accountId, jobId);

/** True when the string looks like an ARN at all (any service); used to tell names from ARNs. */
export const looksLikeArn = (value: string) => value.startsWith("arn:");

// Partition is aws, aws-cn or aws-us-gov in real AWS; accept any so ARNs copied from GovCloud or
// China examples still parse and then fail on the account check with a clear NOT_FOUND.
const ARN_RE = /^arn:(aws[a-z-]*):batch:([a-z0-9-]*):(\d{12}):([a-z-]+)\/(.+)$/;

/** Parses a Batch ARN; returns null when the text is not one (wrong service, shape or type). */
export function parseArn(arn: string): ParsedArn | null {
  const m = ARN_RE.exec(arn);
  if (!m) return null;
  const [, , arnRegion = "", accountId = "", type = "", rest = ""] = m;
  if (!(ARN_RESOURCE_TYPES as readonly string[]).includes(type)) return null;
  const resourceType = type as ArnResourceType;
  if (resourceType === "job-definition") {
    const colon = rest.lastIndexOf(":");
    if (colon === -1) return { region: arnRegion, accountId, resourceType, name: rest };
    const rev = rest.slice(colon + 1);
    if (!/^[1-9]\d*$/.test(rev)) return null;
    return { region: arnRegion, accountId, resourceType, name: rest.slice(0, colon), revision: Number(rev) };
  }
  if (rest.includes("/")) return null;
  return { region: arnRegion, accountId, resourceType, name: rest };
}
