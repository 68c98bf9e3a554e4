// Creates an access key for the caller in the current organization. The secret is returned
// exactly once; only its encrypted form is stored.
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import type { DbOrTx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { encryptSecret } from "@/lib/secrets";
import { newAccessKeyId, newSecretAccessKey } from "./generate";
import { MAX_ACTIVE_KEYS_PER_USER } from "./schemas";

export interface CreatedAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  description: string;
  createdAt: Date;
}

export async function createAccessKey(ctx: OrgContext, input: { description?: string }): Promise<CreatedAccessKey> {
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const active = await tx.accessKey.count({
      where: { organizationId: ctx.organizationId, userId: ctx.user.id, revokedAt: null },
    });
    if (active >= MAX_ACTIVE_KEYS_PER_USER) {
      throw new AppError(
        "LIMIT_EXCEEDED",
        `You already have ${active} active access keys in this organization; revoke one before creating another (limit ${MAX_ACTIVE_KEYS_PER_USER}).`,
      );
    }
    const created = await insertAccessKey(tx, {
      organizationId: ctx.organizationId,
      userId: ctx.user.id,
      description: input.description ?? "",
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
    });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "accessKey.create",
      targetType: "accessKey",
      targetId: created.accessKeyId,
      details: { description: input.description ?? "" },
    });
    return created;
  });
}

/** The row write shared with ensureAdminAccessKey; the caller audits. */
export async function insertAccessKey(
  tx: DbOrTx,
  key: { organizationId: string; userId: string; description: string; accessKeyId: string; secretAccessKey: string },
): Promise<CreatedAccessKey> {
  const row = await tx.accessKey.create({
    data: {
      id: newId(),
      accessKeyId: key.accessKeyId,
      // Bound to its id so a secret copied onto another key's row does not decrypt there.
      secretEncrypted: encryptSecret(key.secretAccessKey, { context: key.accessKeyId }),
      organizationId: key.organizationId,
      userId: key.userId,
      description: key.description,
    },
  });
  return {
    accessKeyId: row.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    description: row.description,
    createdAt: row.createdAt,
  };
}
