// Deletes a secret. Jobs already running keep the value they were started with; a job that
// starts later and asks for it fails with ResourceInitializationError, as on AWS.
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { writeTransaction } from "@/lib/db/write-transaction";
import { notFound } from "@/lib/errors";
import type { DeleteOrgSecretInput } from "./schemas";

export async function deleteOrgSecret(ctx: OrgContext, input: DeleteOrgSecretInput): Promise<{ name: string }> {
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const { count } = await tx.orgSecret.deleteMany({
      where: { organizationId: ctx.organizationId, name: input.name },
    });
    if (count === 0) throw notFound(`Secret ${input.name}`);
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "secret.delete",
      targetType: "secret",
      targetId: input.name,
    });
    return { name: input.name };
  });
}
