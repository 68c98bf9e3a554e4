// Fair-share scheduling policies (CreateSchedulingPolicy … DeleteSchedulingPolicy) as AWS
// shapes them. Only fairsharePolicy is implemented by the built-in engine; quotaSharePolicy
// needs quota shares, which it does not have, so it is refused rather than silently ignored.
import { z } from "zod";
import { resourceName } from "../names";
import { awsInt, awsList, awsNumber, compact, safeJson } from "./common";
import { type Tags, tagsSchema } from "./tags";

export const MAX_SHARE_DISTRIBUTION = 500;
const SHARE_IDENTIFIER = /^[A-Za-z0-9_-]+\*?$|^\*$/;

export const shareAttributesSchema = z.object({
  shareIdentifier: z
    .string({ message: "shareIdentifier is required." })
    .min(1, "shareIdentifier must not be empty.")
    .max(255, "shareIdentifier must be at most 255 characters long.")
    .regex(
      SHARE_IDENTIFIER,
      "shareIdentifier can contain only letters, numbers, hyphens and underscores, optionally followed by one asterisk (*).",
    ),
  weightFactor: awsNumber("weightFactor", 0.0001, 999.9999).optional(),
});

export const fairsharePolicySchema = z
  .object({
    shareDecaySeconds: awsInt("fairsharePolicy.shareDecaySeconds", 0, 604800).optional(),
    computeReservation: awsInt("fairsharePolicy.computeReservation", 0, 99).optional(),
    shareDistribution: awsList(
      "fairsharePolicy.shareDistribution",
      shareAttributesSchema,
      MAX_SHARE_DISTRIBUTION,
    ).optional(),
  })
  .superRefine((policy, ctx) => {
    const problem = shareOverlapProblem((policy.shareDistribution ?? []).map((s) => s.shareIdentifier));
    if (problem) ctx.addIssue({ code: "custom", path: ["shareDistribution"], message: problem });
  });

export type FairsharePolicy = z.infer<typeof fairsharePolicySchema>;

/**
 * Entries must not overlap: "UserA*" covers "UserA1", so both cannot be listed (AWS's rule;
 * otherwise a share's weight would depend on the order of the list).
 */
export function shareOverlapProblem(identifiers: string[]): string | null {
  for (let i = 0; i < identifiers.length; i++) {
    for (let j = i + 1; j < identifiers.length; j++) {
      const a = identifiers[i] as string;
      const b = identifiers[j] as string;
      if (a === b) return `shareIdentifier ${a} is listed more than once.`;
      if (covers(a, b) || covers(b, a))
        return `shareIdentifiers ${a} and ${b} overlap; each share must match one entry.`;
    }
  }
  return null;
}

function covers(pattern: string, other: string): boolean {
  if (!pattern.endsWith("*")) return false;
  return other.replace(/\*$/, "").startsWith(pattern.slice(0, -1));
}

const arnField = (field: string) => z.string({ message: `${field} is required.` }).min(1, `${field} is required.`);

const ON_AWS = "organizations on the AWS Batch backend can use it";

function refuseQuotaShares(input: { quotaSharePolicy?: unknown }, ctx: z.RefinementCtx) {
  if (input.quotaSharePolicy !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["quotaSharePolicy"],
      message: `quotaSharePolicy is not supported by the built-in backend, which has no quota shares; use fairsharePolicy (${ON_AWS}).`,
    });
  }
}

/** CreateSchedulingPolicy as AWS accepts it, a quota-share policy included (AWS validates it). */
export const createSchedulingPolicyAwsInput = z.looseObject({
  name: resourceName("name"),
  fairsharePolicy: fairsharePolicySchema.optional(),
  quotaSharePolicy: z.unknown().optional(),
  tags: tagsSchema.optional(),
});

export const createSchedulingPolicyInput = createSchedulingPolicyAwsInput.superRefine(refuseQuotaShares);

export const updateSchedulingPolicyAwsInput = z.looseObject({
  arn: arnField("arn"),
  fairsharePolicy: fairsharePolicySchema.optional(),
  quotaSharePolicy: z.unknown().optional(),
});

export const updateSchedulingPolicyInput = z
  .object({
    arn: arnField("arn"),
    fairsharePolicy: fairsharePolicySchema.optional(),
    quotaSharePolicy: z.unknown().optional(),
  })
  .superRefine(refuseQuotaShares);

export const describeSchedulingPoliciesInput = z.object({
  arns: awsList("arns", z.string(), 100, 1),
});

export const listSchedulingPoliciesInput = z.object({
  maxResults: awsInt("maxResults", 1, 1000).optional(),
  nextToken: z.string().optional(),
});

export const deleteSchedulingPolicyInput = z.object({ arn: arnField("arn") });

export type CreateSchedulingPolicyInput = z.infer<typeof createSchedulingPolicyInput>;
export type UpdateSchedulingPolicyInput = z.infer<typeof updateSchedulingPolicyInput>;
export type DescribeSchedulingPoliciesInput = z.infer<typeof describeSchedulingPoliciesInput>;
export type ListSchedulingPoliciesInput = z.infer<typeof listSchedulingPoliciesInput>;
export type DeleteSchedulingPolicyInput = z.infer<typeof deleteSchedulingPolicyInput>;

/** The policy as stored and returned: only the fields that were given. */
export function normalizeFairsharePolicy(policy: FairsharePolicy | undefined): FairsharePolicy {
  if (!policy) return {};
  return compact({
    shareDecaySeconds: policy.shareDecaySeconds,
    computeReservation: policy.computeReservation,
    shareDistribution: policy.shareDistribution?.map((s) => compact(s) as typeof s),
  });
}

export function schedulingPolicyDetail(row: {
  name: string;
  arn: string;
  fairsharePolicy: string;
  tags: string;
}): Record<string, unknown> {
  return {
    name: row.name,
    arn: row.arn,
    fairsharePolicy: safeJson<FairsharePolicy>(row.fairsharePolicy, {}),
    tags: safeJson<Tags>(row.tags, {}),
  };
}
