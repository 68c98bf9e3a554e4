// Headless setups (CI, a server provisioned by a script) need API credentials before anyone
// opens the console: BATCHDECK_ADMIN_ACCESS_KEY_ID / BATCHDECK_ADMIN_SECRET_ACCESS_KEY name a key
// that is created for the first admin on first run. A key that already exists is left alone,
// so restarting with the same variables is a no-op and a revoked key stays revoked.
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { insertAccessKey } from "./create-access-key";

export type EnsureAdminAccessKeyResult =
  | { created: true; accessKeyId: string; organizationId: string; userEmail: string }
  | { created: false; reason: "exists" | "no-admin" };

export async function ensureAdminAccessKey(
  db: Db,
  opts: { accessKeyId: string; secretAccessKey: string },
): Promise<EnsureAdminAccessKeyResult> {
  return writeTransaction(db, async (tx) => {
    if (await tx.accessKey.findUnique({ where: { accessKeyId: opts.accessKeyId }, select: { id: true } })) {
      return { created: false, reason: "exists" } as const;
    }
    const admin = await tx.membership.findFirst({
      where: { role: "admin" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { organizationId: true, userId: true, user: { select: { email: true } } },
    });
    if (!admin) return { created: false, reason: "no-admin" } as const;
    await insertAccessKey(tx, {
      organizationId: admin.organizationId,
      userId: admin.userId,
      description: "Created from BATCHDECK_ADMIN_ACCESS_KEY_ID",
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secretAccessKey,
    });
    await recordAudit(tx, {
      organizationId: admin.organizationId,
      actor: { userId: null, email: "system", source: "system" },
      action: "accessKey.create",
      targetType: "accessKey",
      targetId: opts.accessKeyId,
      details: { ownerUserId: admin.userId, from: "BATCHDECK_ADMIN_ACCESS_KEY_ID" },
    });
    return {
      created: true,
      accessKeyId: opts.accessKeyId,
      organizationId: admin.organizationId,
      userEmail: admin.user.email,
    };
  });
}
