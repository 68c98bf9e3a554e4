// Finding a job's processes on this host by the one mark they cannot shed by leaving the
// process group: AWS_BATCH_JOB_ID in their environment (there even when the engine died before
// recording the attempt's pid). A job that clears its environment escapes this scan; running
// each attempt as its own uid (job-users.ts) does not depend on it.
import { readdirSync, readFileSync } from "node:fs";

/** Every process that carries AWS_BATCH_JOB_ID in its environment, by job id. */
export function jobProcesses(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const pid of entries) {
    try {
      const m = /(?:^|\0)AWS_BATCH_JOB_ID=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, "latin1"));
      if (!m) continue;
      const list = out.get(m[1]!);
      if (list) list.push(Number(pid));
      else out.set(m[1]!, [Number(pid)]);
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return out;
}

/** SIGKILL to every process still marked with this job's id. */
export function killJobProcesses(jobId: string): void {
  for (const pid of jobProcesses().get(jobId) ?? []) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Whether a process with this pid exists (one of another user's counts: EPERM). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
