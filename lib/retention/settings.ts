// Settings → Retention: how long an organization keeps its finished jobs and their logs. A
// stored null means the server's default (BATCHDECK_RETENTION_JOB_DAYS / _LOG_DAYS); 0 means
// keep forever. Logs never outlive their job: when jobs are deleted after N days, logs are kept
// at most N days (a job's deletion takes its logs with it).
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { env } from "@/lib/env";
import { effectiveRetention, type RetentionDays } from "./days";

export { DAY_MS, effectiveRetention, type RetentionDays } from "./days";

export const MAX_RETENTION_DAYS = 36_500;

const days = z.preprocess(
  (v) => (v === "" || v === undefined ? null : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z
    .number({ message: "Enter a whole number of days, or leave it blank for the server's default." })
    .int("Enter a whole number of days.")
    .min(0, "Enter 0 (keep forever) or more days.")
    .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days.`)
    .nullable(),
);

export const retentionInput = z
  .object({ jobDays: days, logDays: days })
  .strict()
  .superRefine((input, ctx) => {
    const jobs = input.jobDays ?? defaultRetention().jobDays;
    const logs = input.logDays ?? defaultRetention().logDays;
    if (jobs > 0 && (logs === 0 || logs > jobs)) {
      ctx.addIssue({
        code: "custom",
        path: ["logDays"],
        message: `Logs cannot be kept longer than their jobs: at most ${jobs} days.`,
      });
    }
  });

export type RetentionInput = z.output<typeof retentionInput>;

export interface RetentionSettings {
  /** What the organization chose; null: the server's default. */
  chosen: { jobDays: number | null; logDays: number | null };
  defaults: RetentionDays;
  effective: RetentionDays;
}

export function defaultRetention(): RetentionDays {
  const config = env();
  return { jobDays: config.BATCHDECK_RETENTION_JOB_DAYS, logDays: config.BATCHDECK_RETENTION_LOG_DAYS };
}

export async function getRetentionSettings(ctx: Pick<OrgContext, "db" | "organizationId">): Promise<RetentionSettings> {
  return readRetention(ctx.db, ctx.organizationId, defaultRetention());
}

async function readRetention(db: Db, organizationId: string, defaults: RetentionDays): Promise<RetentionSettings> {
  const row = await db.retentionSetting.findUnique({
    where: { organizationId },
    select: { jobDays: true, logDays: true },
  });
  const chosen = { jobDays: row?.jobDays ?? null, logDays: row?.logDays ?? null };
  return { chosen, defaults, effective: effectiveRetention(chosen, defaults) };
}

export async function saveRetentionSettings(ctx: OrgContext, input: RetentionInput): Promise<RetentionSettings> {
  const defaults = defaultRetention();
  await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const data = { jobDays: input.jobDays, logDays: input.logDays };
    await tx.retentionSetting.upsert({
      where: { organizationId: ctx.organizationId },
      create: { organizationId: ctx.organizationId, ...data },
      update: data,
    });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "organization.retention.update",
      targetType: "organization",
      targetId: ctx.organizationId,
      details: { ...data, effective: effectiveRetention(data, defaults) },
    });
  });
  return readRetention(ctx.db, ctx.organizationId, defaults);
}
