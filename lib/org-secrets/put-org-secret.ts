// Creates a secret or replaces its value (Settings → Secrets). Only the sealed value is stored;
// neither the value nor anything derived from it (length, hash) goes into the audit entry, the
// answer or an error.
import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError, invalid, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { SECRET_NAME_PATTERN, SECRET_NAME_RULE } from "./names";
import type { PutOrgSecretOptions } from "./schemas";
import { sealOrgSecret } from "./seal";

export interface PutOrgSecretResult {
  name: string;
  created: boolean;
  updatedAt: Date;
}

export async function putOrgSecret(ctx: OrgContext, input: PutOrgSecretOptions): Promise<PutOrgSecretResult> {
  const mode = input.mode ?? "upsert";
  // The wrapper validated the input; callers without one (seeding, tests) still cannot store a
  // name the resolution could not name (value-from.ts relies on names without ":").
  if (!SECRET_NAME_PATTERN.test(input.name)) {
    throw invalid(`A secret's name is ${SECRET_NAME_RULE}.`, { name: [`A secret's name is ${SECRET_NAME_RULE}.`] });
  }
  return writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
    const existing = await tx.orgSecret.findFirst({
      where: { organizationId: ctx.organizationId, name: input.name },
      select: { id: true, description: true },
    });
    if (existing && mode === "create") {
      const message = `A secret named ${input.name} already exists. Use "Replace value" to change it.`;
      throw new AppError("CONFLICT", message, { name: [message] });
    }
    if (!existing && mode === "replace") throw notFound(`Secret ${input.name}`);

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
