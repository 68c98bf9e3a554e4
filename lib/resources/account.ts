// The organization's twelve-digit account id is part of every ARN it owns.
import { type RawSql, rawSql } from "@/lib/db/direct";
import { notFound } from "@/lib/errors";

/**
 * Account ids this process has read, by organization. An organization's account id is given
 * when it is created and never changes, and nearly every operation builds or checks an ARN, so
 * it is read once per organization instead of once per call.
 */
const known = new Map<string, string>();
/** Past this many organizations the map starts afresh (a bound, not an expected size). */
const KEEP = 10_000;

export async function accountIdOf(db: RawSql, organizationId: string): Promise<string> {
  const hit = known.get(organizationId);
  if (hit !== undefined) return hit;
  const [org] = await rawSql(db).$queryRaw<{ accountId: string }[]>`
    SELECT "accountId" FROM "Organization" WHERE "id" = ${organizationId}`;
  if (!org) throw notFound("Organization");
  if (known.size >= KEEP) known.clear();
  known.set(organizationId, org.accountId);
  return org.accountId;
}
