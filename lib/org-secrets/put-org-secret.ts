// Creates a secret or replaces its value (Settings → Secrets). Only the sealed value is stored;
// neither the value nor anything derived from it (length, hash) goes into the audit entry, the
// answer or an error.
import type { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { AppError, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { writeTransaction } from "@/lib/organizations/lock";
import type { putOrgSecretInput } from "./schemas";
import { sealOrgSecret } from "./seal";

export interface PutOrgSecretResult {
  name: string;
  created: boolean;
  updatedAt: Date;
}

export async function putOrgSecret(
  ctx: OrgContext,
  input: z.output<typeof putOrgSecretInput>,
): Promise<PutOrgSecretResult> {
  return writeTransaction(ctx, async (tx) => {
    const existing = await tx.orgSecret.findFirst({
      where: { organizationId: ctx.organizationId, name: input.name },
      select: { id: true, description: true },
    });
    if (existing && input.mode === "create") {
      const message = `A secret named ${input.name} already exists. Use "Replace value" to change it.`;
      throw new AppError("CONFLICT", message, { name: [message] });
    }
    if (!existing && input.mode === "replace") throw notFound(`Secret ${input.name}`);

    if (existing) {
      const description = input.description ?? existing.description;
      const row = await tx.orgSecret.update({
        where: { id: existing.id, organizationId: ctx.organizationId },
        data: {
          valueSealed: sealOrgSecret({ organizationId: ctx.organizationId, id: existing.id }, input.value),
          description,
          updatedById: ctx.user.id,
        },
        select: { name: true, updatedAt: true },
      });
      await recordAudit(tx, {
        organizationId: ctx.organizationId,
        actor: ctx.actor,
        action: "secret.replace",
        targetType: "secret",
        targetId: row.name,
        details: description === existing.description ? {} : { description },
      });
      return { name: row.name, created: false, updatedAt: row.updatedAt };
    }

    const id = newId();
    const row = await tx.orgSecret.create({
      data: {
        id,
        organizationId: ctx.organizationId,
        name: input.name,
        valueSealed: sealOrgSecret({ organizationId: ctx.organizationId, id }, input.value),
        description: input.description ?? "",
        createdById: ctx.user.id,
        updatedById: ctx.user.id,
      },
      select: { name: true, updatedAt: true },
    });
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actor: ctx.actor,
      action: "secret.create",
      targetType: "secret",
      targetId: row.name,
      details: { description: input.description ?? "" },
    });
    return { name: row.name, created: true, updatedAt: row.updatedAt };
  });
}
