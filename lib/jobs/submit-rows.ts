// The rows one submission inserts: the job, or an array's parent row and its children, each
// starting where the state machine's submission moves put it (lib/jobs/submit-job.ts).
import { STATUS_REASONS, TRANSITIONS } from "@/lib/batch/states";
import type { JobRowInsert } from "./insert-jobs";
import type { JobDeps } from "./plan-dependencies";

/** Children's own indexes (an array's failed children submitted again): one per child, increasing. */
export const validIndexes = (indexes: number[], arraySize: number | null): boolean =>
  arraySize !== null &&
  indexes.length === arraySize &&
  indexes.every((x, i) => Number.isInteger(x) && x >= 0 && x < 10_000 && (i === 0 || x > (indexes[i - 1] ?? -1)));

type Start = Pick<JobRowInsert, "status" | "statusReason" | "runnableAt" | "stoppedAt">;

/** Where each row starts, by the state machine's submission transitions. */
export function buildRows(
  jobId: string,
  arraySize: number | null,
  parent: JobDeps,
  children: JobDeps[],
  now: number,
  indexes?: number[],
): JobRowInsert[] {
  const failed: Start = {
    status: TRANSITIONS.submitDependencyFailed.to,
    statusReason: STATUS_REASONS.dependentJobFailed,
    runnableAt: null,
    stoppedAt: now,
  };
  const waiting: Start = {
    status: TRANSITIONS.submitWithDependencies.to,
    statusReason: null,
    runnableAt: null,
    stoppedAt: null,
  };
  const ready: Start = { status: TRANSITIONS.submitReady.to, statusReason: null, runnableAt: now, stoppedAt: null };
  const single = { arrayParentId: null, arrayIndex: null, arraySize: null };
  if (arraySize === null) {
    const start = parent.failed ? failed : parent.pending > 0 ? waiting : ready;
    return [{ id: jobId, ...start, ...single, pendingDependencies: parent.pending }];
  }
  // An array parent never runs: it waits in PENDING for its children (lib/jobs/finish.ts).
  const rows: JobRowInsert[] = [
    {
      id: jobId,
      ...(parent.failed ? failed : waiting),
      ...single,
      arraySize,
      pendingDependencies: parent.pending,
    },
  ];
  for (let i = 0; i < arraySize; i++) {
    const own = children[i] ?? { pending: 0, failed: false };
    const start = parent.failed || own.failed ? failed : own.pending > 0 || parent.pending > 0 ? waiting : ready;
    const index = indexes?.[i] ?? i;
    rows.push({
      id: `${jobId}:${index}`,
      ...start,
      arrayParentId: jobId,
      arrayIndex: index,
      arraySize: null,
      pendingDependencies: own.pending,
    });
  }
  return rows;
}
