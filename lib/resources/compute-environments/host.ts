// The host the built-in engine runs on: the defaults for a compute environment that does not
// say how many vCPUs or how much memory it may use.
import { availableParallelism, totalmem } from "node:os";
import type { HostCapacity } from "@/lib/batch/shapes/compute-environments";

export function hostCapacity(): HostCapacity {
  return { cpus: availableParallelism(), memoryMiB: Math.floor(totalmem() / (1024 * 1024)) };
}
