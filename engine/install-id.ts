// This installation's id: one per database, made by the first engine that asks and kept in an
// EngineLease row ("install"). Containers carry it as a label (containers/create-spec.ts), so an
// engine adopts and removes only its own installation's containers, never those of another
// Batchdeck (or test run) sharing the host's container runtime.
import type { Db } from "@/lib/db";
import { newId } from "@/lib/ids";

const ROW = "install";

export async function installId(db: Db): Promise<string> {
  const found = await db.engineLease.findUnique({ where: { name: ROW }, select: { holder: true } });
  if (found) return found.holder;
  try {
    await db.engineLease.create({
      data: { name: ROW, holder: newId(), acquiredAt: Date.now(), heartbeatAt: 0, expiresAt: 0 },
    });
  } catch {
    // Another engine made it first: read theirs.
  }
  return (await db.engineLease.findUniqueOrThrow({ where: { name: ROW }, select: { holder: true } })).holder;
}
