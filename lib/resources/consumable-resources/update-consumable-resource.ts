import { recordAudit } from "@/lib/audit";
import type { OrgContext } from "@/lib/auth/context";
import { safeJson } from "@/lib/batch/shapes/common";
import {
  CLIENT_TOKEN_TTL_MS,
  type UpdateConsumableResourceInput,
  updateConsumableResourceInput,
} from "@/lib/batch/shapes/consumable-resources";
import { writeTransaction } from "@/lib/db/write-transaction";
import { invalid } from "@/lib/errors";
import { resolveConsumableResource } from "./resolve-consumable-resource";

export { updateConsumableResourceInput };

/** Tokens remembered per resource: a client retries a request, it does not send thousands. */
const MAX_TOKENS = 100;

type Remembered = Record<string, { at: number; request: string; totalQuantity: number }>;

interface UpdateResult {
  consumableResourceName: string;
  consumableResourceArn: string;
  totalQuantity: number;
}

/**
 * SET, ADD or REMOVE on totalQuantity (SET when no operation is given; no change without a
 * quantity). The total never goes below 0: a REMOVE of more than is left is refused. In-use
 * quantities are not checked: setting a REPLENISHABLE total below what running jobs hold leaves
 * them running, and new jobs wait until enough is given back.
 *
 * With a clientToken, a repeat of the same request within 8 hours returns the first answer and
 * changes nothing (AWS's promise); the same token with a different request is refused.
 */
export async function updateConsumableResource(
  ctx: OrgContext,
  input: UpdateConsumableResourceInput,
): Promise<UpdateResult> {
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: organizationId, wakeEngine: "jobs" }, async (tx) => {
    const row = await resolveConsumableResource(tx, organizationId, input.consumableResource);
    const result = (totalQuantity: number): UpdateResult => ({
      consumableResourceName: row.name,
      consumableResourceArn: row.arn,
      totalQuantity,
    });
    const current = Number(row.totalQuantity);
    const operation = input.operation ?? "SET";
    const request = JSON.stringify([operation, input.quantity ?? null]);
    const now = Date.now();
    const tokens = Object.fromEntries(
      Object.entries(safeJson<Remembered>(row.clientTokens, {})).filter(([, t]) => now - t.at < CLIENT_TOKEN_TTL_MS),
    ) as Remembered;
    if (input.clientToken !== undefined) {
      const seen = tokens[input.clientToken];
      if (seen && seen.request !== request) {
        throw invalid(`clientToken ${input.clientToken} was already used with a different request.`);
      }
      if (seen) return result(seen.totalQuantity);
    }
    if (input.quantity === undefined) return result(current);

    const next =
      operation === "SET" ? input.quantity : operation === "ADD" ? current + input.quantity : current - input.quantity;
    if (next < 0) {
      throw invalid(
        `Cannot remove ${input.quantity} from consumable resource ${row.name}: its total quantity is ${current}.`,
      );
    }
    if (next > Number.MAX_SAFE_INTEGER) {
      throw invalid(`totalQuantity would be ${next}, more than the largest quantity, ${Number.MAX_SAFE_INTEGER}.`);
    }
    if (input.clientToken !== undefined) {
      tokens[input.clientToken] = { at: now, request, totalQuantity: next };
      const kept = Object.entries(tokens)
        .sort(([, a], [, b]) => b.at - a.at)
        .slice(0, MAX_TOKENS);
      await tx.consumableResource.update({
        where: { id: row.id },
        data: { totalQuantity: BigInt(next), clientTokens: JSON.stringify(Object.fromEntries(kept)) },
      });
    } else {
      await tx.consumableResource.update({ where: { id: row.id }, data: { totalQuantity: BigInt(next) } });
    }
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "consumableResource.update",
      targetType: "consumableResource",
      targetId: row.arn,
      details: { name: row.name, operation, quantity: input.quantity, from: current, to: next },
    });
    return result(next);
  });
}
