// Warnings a form gives before submitting, without refusing anything: a job larger than every
// compute environment of its queue (the scheduler's "never fits", lib/batch/placement.ts, known
// before the job exists), and a built-in environment promising more than the engine's machine has.

/** What a compute environment can ever hand one job; null where the backend does not say (AWS memory). */
export interface EnvironmentSize {
  name: string;
  maxVcpus: number | null;
  memoryMiB: number | null;
}

const count = (n: number) => n.toLocaleString("en-US");
const vcpus = (n: number) => `${count(n)} ${n === 1 ? "vCPU" : "vCPUs"}`;
const mib = (n: number) => `${count(n)} MiB`;

/** A resource field's text as a positive number, or undefined when empty or not a number (the form's own check says so). */
export function requestedAmount(text: string | undefined): number | undefined {
  const t = (text ?? "").trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return n > 0 ? n : undefined;
}

/**
 * Why no environment of the queue can ever run a job asking for `job`, or null when one can
 * (or when it is not known: no environments, sizes the backend does not report).
 */
export function neverFitsWarning(
  job: { vcpus?: number; memoryMiB?: number },
  queue: string,
  environments: readonly EnvironmentSize[],
): string | null {
  if (environments.length === 0) return null;
  const vcpusFit = (e: EnvironmentSize) => job.vcpus === undefined || e.maxVcpus === null || job.vcpus <= e.maxVcpus;
  const memoryFits = (e: EnvironmentSize) =>
    job.memoryMiB === undefined || e.memoryMiB === null || job.memoryMiB <= e.memoryMiB;
  if (environments.some((e) => vcpusFit(e) && memoryFits(e))) return null;
  const parts: string[] = [];
  if (!environments.some(vcpusFit) && job.vcpus !== undefined) {
    const most = Math.max(...environments.map((e) => e.maxVcpus ?? 0));
    parts.push(`${vcpus(job.vcpus)}, and the largest has ${vcpus(most)}`);
  }
  if (!environments.some(memoryFits) && job.memoryMiB !== undefined) {
    const most = Math.max(...environments.map((e) => e.memoryMiB ?? 0));
    parts.push(`${mib(job.memoryMiB)} of memory, and the largest has ${mib(most)}`);
  }
  const asks = parts.length
    ? parts.join("; it asks for ")
    : `${vcpus(job.vcpus ?? 0)} and ${mib(job.memoryMiB ?? 0)}, and none has both`;
  return `No compute environment of queue ${queue} can ever run this job: it asks for ${asks}. It would wait as RUNNABLE until cancelled.`;
}

/** What a built-in environment's maximums promise beyond the engine's machine (empty: nothing). */
export function overHostWarnings(
  environment: { maxVcpus?: number; memoryMiB?: number },
  host: { cpus: number; memoryMiB: number },
): string[] {
  const out: string[] = [];
  if (environment.maxVcpus !== undefined && environment.maxVcpus > host.cpus) {
    out.push(
      `Maximum vCPUs (${count(environment.maxVcpus)}) is more than the ${vcpus(host.cpus)} the engine's machine hands out: together its jobs never get more than that, and a job asking for more never starts.`,
    );
  }
  if (environment.memoryMiB !== undefined && environment.memoryMiB > host.memoryMiB) {
    out.push(
      `Memory (${mib(environment.memoryMiB)}) is more than the ${mib(host.memoryMiB)} of the engine's machine: together its jobs never get more than that, and a job asking for more never starts.`,
    );
  }
  return out;
}
