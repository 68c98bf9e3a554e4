// An organization's quotas: what the install's operator set for it (OrganizationQuota), each
// unset one the install's default (BATCHDECK_QUOTA_*). 0 means unlimited, in both places, so a
// laptop with no configuration has no quota at all. Read by the submit path (array size, jobs
// waiting, SubmitJob rate), the engine (running vCPUs, log bytes) and the console (usage against
// each quota); written only by the operator (lib/operator/).
import { z } from "zod";
import type { Actor } from "@/lib/audit";
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { QUOTA_NAMES, type QuotaName, type QuotaSettings, type Quotas } from "./names";
import { forgetQuotas } from "./quota-cache";

export { QUOTA_LABELS, QUOTA_NAMES, type QuotaName, type QuotaSettings, type Quotas } from "./names";

export function defaultQuotas(): Quotas {
  const config = env();
  return {
    maxRunningVcpus: config.BATCHDECK_QUOTA_RUNNING_VCPUS,
    maxWaitingJobs: config.BATCHDECK_QUOTA_WAITING_JOBS,
    maxArraySize: config.BATCHDECK_QUOTA_ARRAY_SIZE,
    submitRatePerSecond: config.BATCHDECK_QUOTA_SUBMIT_RATE,
    submitBurst: config.BATCHDECK_QUOTA_SUBMIT_BURST,
    maxLogBytes: config.BATCHDECK_QUOTA_LOG_BYTES,
  };
}

/** The bucket's size when none is set: one second of the rate, at least one request. */
export function effectiveBurst(quotas: Pick<Quotas, "submitRatePerSecond" | "submitBurst">): number {
  return quotas.submitBurst > 0 ? quotas.submitBurst : Math.max(1, Math.ceil(quotas.submitRatePerSecond));
}

type QuotaRow = {
  maxRunningVcpus: number | null;
  maxWaitingJobs: number | null;
  maxArraySize: number | null;
  submitRatePerSecond: number | null;
  submitBurst: number | null;
  maxLogBytes: bigint | number | null;
};

function chosenOf(row: QuotaRow | null): Record<QuotaName, number | null> {
  return {
    maxRunningVcpus: row?.maxRunningVcpus ?? null,
    maxWaitingJobs: row?.maxWaitingJobs ?? null,
    maxArraySize: row?.maxArraySize ?? null,
    submitRatePerSecond: row?.submitRatePerSecond ?? null,
    submitBurst: row?.submitBurst ?? null,
    maxLogBytes: row?.maxLogBytes == null ? null : Number(row.maxLogBytes),
  };
}

function merge(chosen: Record<QuotaName, number | null>, defaults: Quotas): Quotas {
  const out = { ...defaults };
  for (const name of QUOTA_NAMES) out[name] = chosen[name] ?? defaults[name];
  return out;
}

export async function getQuotaSettings(db: Db, organizationId: string): Promise<QuotaSettings> {
  const row = await db.organizationQuota.findUnique({ where: { organizationId } });
  const chosen = chosenOf(row);
  const defaults = defaultQuotas();
  return { chosen, defaults, effective: merge(chosen, defaults) };
}

/** The quotas in force for one organization. */
export async function effectiveQuotas(db: Db, organizationId: string): Promise<Quotas> {
  return (await getQuotaSettings(db, organizationId)).effective;
}

/** The quotas in force for every organization that has any (the engine reads them per pass). */
export async function effectiveQuotasByOrganization(
  db: Db,
): Promise<{ defaults: Quotas; byOrganization: Map<string, Quotas> }> {
  const defaults = defaultQuotas();
  const rows = await db.organizationQuota.findMany();
  return {
    defaults,
    byOrganization: new Map(rows.map((r) => [r.organizationId, merge(chosenOf(r), defaults)])),
  };
}

const limit = (max: number, integer: boolean) =>
  z.preprocess(
    (v) => (v === "" || v === undefined ? null : typeof v === "string" && v.trim() !== "" ? Number(v) : v),
    (integer
      ? z
          .number({ message: "Enter a whole number, or leave it blank for the install's default." })
          .int("Enter a whole number.")
      : z.number({ message: "Enter a number, or leave it blank for the install's default." })
    )
      .min(0, "Enter 0 (unlimited) or more.")
      .max(max, `At most ${max}.`)
      .nullable(),
  );

export const quotaInput = z
  .object({
    maxRunningVcpus: limit(1_000_000, true),
    maxWaitingJobs: limit(1_000_000_000, true),
    maxArraySize: limit(10_000, true),
    submitRatePerSecond: limit(1_000_000, false),
    submitBurst: limit(1_000_000, true),
    maxLogBytes: limit(Number.MAX_SAFE_INTEGER, true),
  })
  .strict();
export type QuotaInput = z.output<typeof quotaInput>;

/**
 * Sets an organization's quotas (the operator's page). Audited in the organization's own log,
 * so its admins see who changed their quotas and to what.
 */
export async function saveQuotas(
  db: Db,
  actor: Actor,
  organizationId: string,
  input: QuotaInput,
): Promise<QuotaSettings> {
  await writeTransaction(db, { lockOrganization: organizationId }, async (tx) => {
    const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { id: true } });
    if (!org) throw new AppError("NOT_FOUND", "No such organization.");
    const data = { ...input, maxLogBytes: input.maxLogBytes == null ? null : BigInt(input.maxLogBytes) };
    await tx.organizationQuota.upsert({ where: { organizationId }, create: { organizationId, ...data }, update: data });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "quotas.update",
      targetType: "organization",
      targetId: organizationId,
      details: { ...input },
    });
  });
  // This web server reads the new quotas at once; the others within their cache's 2 s.
  forgetQuotas(db, organizationId);
  return getQuotaSettings(db, organizationId);
}
