// The organization's twelve-digit account id is part of every ARN it owns.
import type { DbOrTx } from "@/lib/db";
import { notFound } from "@/lib/errors";

export async function accountIdOf(db: DbOrTx, organizationId: string): Promise<string> {
  const org = await db.organization.findUnique({ where: { id: organizationId }, select: { accountId: true } });
  if (!org) throw notFound("Organization");
  return org.accountId;
}
