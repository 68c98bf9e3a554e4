import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { schedulingPolicyArn } from "@/lib/batch/arn";
import {
  type CreateSchedulingPolicyInput,
  createSchedulingPolicyInput,
  normalizeFairsharePolicy,
} from "@/lib/batch/shapes/scheduling-policies";
import { writeTransaction } from "@/lib/db/write-transaction";
import { conflict } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { accountIdOf } from "../account";
import { isUniqueViolation } from "../refs";

export { createSchedulingPolicyInput };

export async function createSchedulingPolicy(
  ctx: OrgContext,
  input: CreateSchedulingPolicyInput,
): Promise<{ name: string; arn: string }> {
  const { organizationId } = ctx;
  const exists = () => conflict(`Object already exists: scheduling policy ${input.name} already exists.`);
  try {
    return await writeTransaction(ctx.db, { lockOrganization: ctx.organizationId }, async (tx) => {
      const arn = schedulingPolicyArn(await accountIdOf(tx, organizationId), input.name);
      const existing = await tx.schedulingPolicy.findUnique({
        where: { organizationId_name: { organizationId, name: input.name } },
      });
      if (existing) throw exists();
      await tx.schedulingPolicy.create({
        data: {
          id: newId(),
          organizationId,
          name: input.name,
          arn,
          fairsharePolicy: JSON.stringify(normalizeFairsharePolicy(input.fairsharePolicy)),
          tags: JSON.stringify(input.tags ?? {}),
        },
      });
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: "schedulingPolicy.create",
        targetType: "schedulingPolicy",
        targetId: arn,
        details: { name: input.name },
      });
      return { name: input.name, arn };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}
