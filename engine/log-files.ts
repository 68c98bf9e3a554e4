// Where a job's STDOUT and STDERR land: two append-only files per attempt,
// `<dataDir>/logs/<jobId>.<attempt>.stdout|stderr`, in a directory only the engine's user can
// enter (0700; files 0600). The child gets the files as its stdio, so every byte it writes is
// on disk the moment write() returns, whatever happens to the engine; the engine tails them
// into chunks (log-capture.ts), and a restarted engine ingests what was not stored yet
// (recovery.ts). Named by job and attempt number, not attempt id, because recovery knows
// those even when the engine died before recording the attempt. The job cannot reach the
// files by path: its user cannot enter the directory, and its working directory is elsewhere.
import { closeSync, constants, mkdirSync, openSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { StreamName } from "./log-capture";

export type LogFiles = Record<StreamName, string>;

export const logsDir = (dataDir: string) => join(dataDir, "logs");

export function ensureLogsDir(dataDir: string): void {
  mkdirSync(logsDir(dataDir), { recursive: true, mode: 0o700 });
}

export function logFiles(dataDir: string, jobId: string, attempt: number): LogFiles {
  const base = join(logsDir(dataDir), `${jobId}.${attempt}`);
  return { stdout: `${base}.stdout`, stderr: `${base}.stderr` };
}

/**
 * Creates the attempt's files and opens them for the child: write-only and O_APPEND, so the
 * engine may truncate them past the log limit and the child carries on at the new end.
 * The caller closes the descriptors once the child has them.
 */
export function openForChild(files: LogFiles): [number, number] {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;
  const out = openSync(files.stdout, flags, 0o600);
  try {
    return [out, openSync(files.stderr, flags, 0o600)];
  } catch (error) {
    closeSync(out);
    throw error;
  }
}

export function removeLogFiles(files: LogFiles): void {
  rmSync(files.stdout, { force: true });
  rmSync(files.stderr, { force: true });
}

/** The (job, attempt) pairs that have files in the directory. */
export function listLogFiles(dataDir: string): { jobId: string; attempt: number; files: LogFiles }[] {
  let names: string[];
  try {
    names = readdirSync(logsDir(dataDir));
  } catch {
    return [];
  }
  const seen = new Map<string, { jobId: string; attempt: number; files: LogFiles }>();
  for (const name of names) {
    const m = /^(.+)\.(\d+)\.(?:stdout|stderr)$/.exec(name);
    if (!m) continue;
    const key = `${m[1]}.${m[2]}`;
    if (!seen.has(key)) {
      const attempt = Number(m[2]);
      seen.set(key, { jobId: m[1]!, attempt, files: logFiles(dataDir, m[1]!, attempt) });
    }
  }
  return [...seen.values()];
}
