// Resources are named by name or ARN everywhere. An ARN counts only when its account is the
// organization's: another tenant's ARN resolves to nothing, exactly like a name that does not
// exist, so no answer reveals whether it exists elsewhere.
import { type ArnResourceType, looksLikeArn, parseArn } from "@/lib/batch/arn";
import { AppError, invalid } from "@/lib/errors";

const LABELS: Record<ArnResourceType, string> = {
  "compute-environment": "compute environment",
  "job-queue": "job queue",
  "scheduling-policy": "scheduling policy",
  "consumable-resource": "consumable resource",
  "job-definition": "job definition",
  job: "job",
};

/** The resource name a name-or-ARN refers to; null for an ARN of another account. */
export function nameFromRef(ref: string, type: ArnResourceType, accountId: string): string | null {
  if (!looksLikeArn(ref)) return ref;
  const parsed = parseArn(ref);
  if (!parsed || parsed.resourceType !== type) throw invalid(`${ref} is not a valid ${LABELS[type]} ARN.`);
  return parsed.accountId === accountId ? parsed.name : null;
}

/** AWS's wording for a missing resource: "<ARN> does not exist". */
export const doesNotExist = (arn: string) => new AppError("NOT_FOUND", `${arn} does not exist`);

/** Prisma's unique-constraint violation (two creates of one name racing). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
