// The machine the built-in engine runs jobs on: the defaults for a compute environment that does
// not say how many vCPUs or how much memory it may use. The leading engine publishes its machine
// (cores × BATCHDECK_VCPU_OVERCOMMIT, memory) with its heartbeat; the web server may run on
// another machine, so its own cores are only the answer while no engine leads.
import { availableParallelism, totalmem } from "node:os";
import type { HostCapacity } from "@/lib/batch/shapes/compute-environments";
import type { DbOrTx } from "@/lib/db";
import { readEngineHost } from "@/lib/jobs/engine-executors";

export async function hostCapacity(db: DbOrTx): Promise<HostCapacity> {
  const engine = await readEngineHost(db);
  if (engine) return { cpus: Math.max(1, Math.floor(engine.vcpus)), memoryMiB: engine.memoryMiB };
  return thisMachine();
}

/** The web server's own machine (no engine leads, or it is an older one that does not say). */
export function thisMachine(): HostCapacity {
  return { cpus: availableParallelism(), memoryMiB: Math.floor(totalmem() / (1024 * 1024)) };
}
