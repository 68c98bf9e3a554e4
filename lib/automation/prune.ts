// What automation keeps: finished webhook deliveries (and their attempts) for a week, schedule
// fires for 30 days. Pending deliveries and FIRING claims are never pruned. Run by the leader
// with the engine's other pruning (engine/engine.ts).

import type { Db } from "@/lib/db";
import { DeliveryStatus, FireStatus } from "./statuses";

export const DELIVERY_KEEP_MS = 7 * 24 * 3600_000;
export const FIRE_KEEP_MS = 30 * 24 * 3600_000;

export async function pruneAutomation(db: Db, now = Date.now()): Promise<{ deliveries: number; fires: number }> {
  const deliveries = await db.eventDelivery.deleteMany({
    where: {
      status: { in: [DeliveryStatus.DELIVERED, DeliveryStatus.FAILED] },
      finishedAt: { lt: BigInt(now - DELIVERY_KEEP_MS) },
    },
  });
  const fires = await db.scheduleFire.deleteMany({
    where: { status: { not: FireStatus.FIRING }, firedAt: { lt: BigInt(now - FIRE_KEEP_MS) } },
  });
  // The AWS observer's record of an organization that no longer has rules or is no longer on AWS.
  await db.engineLease.deleteMany({
    where: { name: { startsWith: "aws-job-states:" }, heartbeatAt: { lt: BigInt(now - 24 * 3600_000) } },
  });
  return { deliveries: deliveries.count, fires: fires.count };
}
