// What SigV4 verification needs from a presented access key id: its secret, and the caller it
// stands for. The role is the key owner's membership role now, so a demotion or removal takes
// effect on the next request, and a revoked key or a former member's key is simply unknown.
import type { OrgContext } from "@/lib/auth/context";
import { isRole } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { direct } from "@/lib/db/direct";
import { type RawDate, rawDate } from "@/lib/db/raw";
import { decryptSecret } from "@/lib/secrets";

export interface ApiCaller {
  accessKeyId: string;
  secretAccessKey: string;
  lastUsedAt: Date | null;
  context: OrgContext;
}

interface CallerRow {
  accessKeyId: string;
  secretEncrypted: string;
  organizationId: string;
  lastUsedAt: RawDate;
  userId: string;
  email: string;
  name: string;
  role: string;
}

/**
 * One statement on the hot path of every API call (Prisma would issue one per relation). The
 * key must be unrevoked and its owner still a member of the key's organization.
 */
export async function findApiCaller(db: Db, accessKeyId: string): Promise<ApiCaller | null> {
  const rows = await direct(db).$queryRaw<CallerRow[]>`
    SELECT k."accessKeyId", k."secretEncrypted", k."organizationId", k."lastUsedAt",
           u."id" AS "userId", u."email", u."name", m."role"
    FROM "AccessKey" k
    JOIN "User" u ON u."id" = k."userId"
    JOIN "Membership" m ON m."organizationId" = k."organizationId" AND m."userId" = k."userId"
    WHERE k."accessKeyId" = ${accessKeyId} AND k."revokedAt" IS NULL`;
  const key = rows[0];
  if (!key || !isRole(key.role)) return null;
  return {
    accessKeyId: key.accessKeyId,
    secretAccessKey: decryptSecret(key.secretEncrypted, { context: key.accessKeyId }),
    lastUsedAt: rawDate(key.lastUsedAt),
    context: {
      db,
      organizationId: key.organizationId,
      role: key.role,
      user: { id: key.userId, email: key.email, name: key.name },
      actor: { userId: key.userId, email: key.email, source: "api" },
    },
  };
}

/** lastUsedAt is shown to the minute; writing it on every request would cost a write per call. */
const LAST_USED_RESOLUTION_MS = 60_000;

export async function markAccessKeyUsed(db: Db, caller: ApiCaller, now: Date): Promise<void> {
  if (caller.lastUsedAt && now.getTime() - caller.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  await db.accessKey.update({ where: { accessKeyId: caller.accessKeyId }, data: { lastUsedAt: now } });
}
