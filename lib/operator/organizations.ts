// The operator's view of the install: every organization with its backend, members, quotas and
// what it uses of them now. Only lib/auth/operator.ts's check stands before these reads.
import { z } from "zod";
import { type OperatorActionDefinition, type OperatorContext, requireOperator } from "@/lib/auth/operator";
import { AppError } from "@/lib/errors";
import { logBytesAgainstQuota, type QuotaUsageNow, quotaUsageNow } from "@/lib/quotas/current-usage";
import {
  defaultQuotas,
  getQuotaSettings,
  type QuotaSettings,
  type Quotas,
  quotaInput,
  saveQuotas,
} from "@/lib/quotas/quotas";

export interface OperatorOrganization {
  id: string;
  name: string;
  slug: string;
  backend: string;
  members: number;
  createdAt: Date;
  /** The quotas in force (the operator's choice, or the install's default). */
  quotas: Quotas;
  /** Which quotas are the organization's own rather than the default. */
  overridden: (keyof Quotas)[];
  usage: QuotaUsageNow;
}

export async function listOrganizationsForOperator(ctx: OperatorContext): Promise<OperatorOrganization[]> {
  await requireOperator(ctx);
  const [orgs, usage] = await Promise.all([
    ctx.db.organization.findMany({
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        slug: true,
        backend: true,
        createdAt: true,
        quota: true,
        _count: { select: { memberships: true } },
      },
    }),
    quotaUsageNow(ctx.db),
  ]);
  const defaults = defaultQuotas();
  return orgs.map((o) => {
    const chosen = o.quota;
    const quotas = { ...defaults };
    const overridden: (keyof Quotas)[] = [];
    for (const name of Object.keys(defaults) as (keyof Quotas)[]) {
      const value = chosen?.[name];
      if (value != null) {
        quotas[name] = Number(value);
        overridden.push(name);
      }
    }
    return {
      id: o.id,
      name: o.name,
      slug: o.slug,
      backend: o.backend,
      members: o._count.memberships,
      createdAt: o.createdAt,
      quotas,
      overridden,
      usage: usage.get(o.id) ?? { runningVcpus: 0, waitingJobs: 0 },
    };
  });
}

export async function getOrganizationForOperator(
  ctx: OperatorContext,
  organizationId: string,
): Promise<{
  id: string;
  name: string;
  slug: string;
  backend: string;
  settings: QuotaSettings;
  usage: QuotaUsageNow;
  /** Stored log bytes, measured only when the organization has a log-bytes quota. */
  logBytes: number | null;
}> {
  await requireOperator(ctx);
  const org = await ctx.db.organization.findUnique({
    where: { id: organizationId },
    select: { id: true, name: true, slug: true, backend: true },
  });
  if (!org) throw new AppError("NOT_FOUND", "No such organization.");
  const [settings, usage] = await Promise.all([
    getQuotaSettings(ctx.db, organizationId),
    quotaUsageNow(ctx.db, [organizationId]),
  ]);
  const logBytes = await logBytesAgainstQuota(ctx.db, organizationId, settings.effective.maxLogBytes);
  return { ...org, settings, usage: usage.get(organizationId) ?? { runningVcpus: 0, waitingJobs: 0 }, logBytes };
}

const saveQuotasInput = quotaInput.extend({ organizationId: z.string().min(1).max(64) }).strict();

/** The operator sets one organization's quotas (blank: the install's default). */
export const saveOrganizationQuotas: OperatorActionDefinition<
  typeof saveQuotasInput,
  QuotaSettings & { organizationId: string }
> = {
  name: "operator.saveQuotas",
  input: saveQuotasInput,
  run: async (ctx, { organizationId, ...quotas }) => ({
    organizationId,
    ...(await saveQuotas(ctx.db, ctx.actor, organizationId, quotas)),
  }),
  touches: (result) => [result.organizationId],
};
