// The quotas every SubmitJob meets before anything else, on either backend (the built-in one in
// lib/jobs/submit-job.ts, AWS in lib/backends/aws/jobs.ts, before the request is relayed):
//
// - "Array size": arrayProperties.size above it is refused (LIMIT_EXCEEDED: ClientException 400).
// - "SubmitJob requests per second": a token bucket per organization in the database
//   (lib/quotas/token-bucket.ts, key `submit:<organizationId>`), `effectiveBurst` tokens deep;
//   past it the request is refused with RATE_LIMITED (TooManyRequestsException 429 on /v1, the
//   message in the console's form). It counts requests from people and their clients (/v1, the
//   console's submit form, "submit again" — each resubmitted job is a SubmitJob of its own), not
//   the organization's own automation (schedule fires, event rules' job-queue targets; their
//   actor's source is "system"): a fire refused for a rate would be lost, and how often those
//   fire is already the organization's configuration, bounded by the other quotas.
//
// "Jobs waiting" is counted by the built-in backend inside its write transaction
// (lib/quotas/waiting-jobs.ts); it does not apply to an organization on AWS Batch, whose queues
// Batchdeck cannot count cheaply (AWS's own limits apply there).
//
// Quotas are read through the per-process cache (lib/quotas/quota-cache.ts): with none set, a
// submission costs one map lookup here and no statement.
import type { OrgContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { cachedQuotas } from "./quota-cache";
import { effectiveBurst, QUOTA_LABELS, type Quotas } from "./quotas";
import { type BucketRate, takeToken } from "./token-bucket";

export const submitBucketKey = (organizationId: string) => `submit:${organizationId}`;

const figure = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 3 });

/** Refuses an array larger than the organization's "Array size" quota. */
export function checkArraySize(quotas: Quotas, size: number | undefined | null): void {
  const max = quotas.maxArraySize;
  if (max > 0 && size != null && size > max) {
    const label = QUOTA_LABELS.maxArraySize;
    throw new AppError(
      "LIMIT_EXCEEDED",
      `Array size ${figure(size)} is over this organization's quota "${label}" of ${figure(max)}.`,
    );
  }
}

/** The refusal of a SubmitJob over the organization's rate, saying when to try again. */
export function rateLimited(quotas: Quotas, retryAfterMs: number): AppError {
  const label = QUOTA_LABELS.submitRatePerSecond;
  return new AppError(
    "RATE_LIMITED",
    `Too many SubmitJob requests: this organization's quota "${label}" is ${figure(quotas.submitRatePerSecond)}, in bursts of up to ` +
      `${figure(effectiveBurst(quotas))}. Try again in ${figure(Math.ceil(retryAfterMs / 100) / 10)} s.`,
  );
}

/** The organization's bucket, or null when its rate is unlimited. */
export function submitRate(quotas: Quotas): BucketRate | null {
  const rate = quotas.submitRatePerSecond;
  return rate > 0 ? { ratePerSecond: rate, burst: effectiveBurst(quotas) } : null;
}

/** Takes one SubmitJob token, or refuses with RATE_LIMITED saying when to try again. */
export async function takeSubmitToken(
  ctx: Pick<OrgContext, "db" | "organizationId">,
  quotas: Quotas,
  now = Date.now(),
): Promise<void> {
  const rate = submitRate(quotas);
  if (!rate) return;
  const taken = await takeToken(ctx.db, submitBucketKey(ctx.organizationId), rate, now);
  if (!taken.ok) throw rateLimited(quotas, taken.retryAfterMs);
}

/**
 * The checks before a submission: array size, then the rate (an invalid array takes no token).
 * Returns the quotas in force, for the built-in backend's count of waiting jobs.
 */
export async function checkSubmitQuotas(
  ctx: Pick<OrgContext, "db" | "organizationId" | "actor">,
  input: { arrayProperties?: { size?: number | null } | null },
  opts: { deferRate?: boolean } = {},
): Promise<Quotas & { tokenDue: BucketRate | null }> {
  const quotas = await cachedQuotas(ctx.db, ctx.organizationId);
  checkArraySize(quotas, input.arrayProperties?.size);
  const counted = ctx.actor.source !== "system";
  // Deferred: the caller takes the token in its own write transaction (SubmitJob's group commit).
  if (counted && !opts.deferRate) await takeSubmitToken(ctx, quotas);
  return { ...quotas, tokenDue: counted && opts.deferRate ? submitRate(quotas) : null };
}
