import { z } from "zod";
import type { OrgContext } from "@/lib/auth/context";

export const listAuditInput = z.object({
  // Keyset cursor: the id of the last event on the previous page.
  before: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export interface AuditRow {
  id: string;
  createdAt: Date;
  actorEmail: string;
  source: string;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
}

export async function listAuditEvents(
  ctx: OrgContext,
  input: z.output<typeof listAuditInput>,
): Promise<{ events: AuditRow[]; nextCursor: string | null }> {
  const cursor = input.before
    ? await ctx.db.auditEvent.findFirst({
        where: { id: input.before, organizationId: ctx.organizationId },
        select: { id: true, createdAt: true },
      })
    : null;
  const rows = await ctx.db.auditEvent.findMany({
    where: {
      organizationId: ctx.organizationId,
      ...(input.action ? { action: input.action } : {}),
      ...(cursor
        ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  return {
    events: page.map((r) => ({ ...r, details: safeJson(r.details) })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}
