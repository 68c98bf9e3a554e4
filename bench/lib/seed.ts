// Many RUNNABLE jobs written straight through insert-jobs (what a huge backlog looks like to the
// engine), in transactions of 10,000, spread over the given queues in order.
import type { Db } from "@/lib/db";
import { newId } from "@/lib/ids";
import { insertJobs as insertJobRows, type JobCommon, type JobRowInsert } from "@/lib/jobs/insert-jobs";

export async function insertRunnableJobs(
  db: Db,
  opts: { organizationId: string; definitionId: string; queueIds: string[]; jobs: number; command: string[] },
): Promise<void> {
  const container = JSON.stringify({
    image: "local",
    command: opts.command,
    environment: [],
    vcpus: 1,
    memoryMiB: 64,
    gpus: 0,
    extra: {},
  });
  const base = Date.now() - opts.jobs;
  const perQueue = Math.ceil(opts.jobs / opts.queueIds.length);
  const BATCH = 10_000;
  for (const [q, jobQueueId] of opts.queueIds.entries()) {
    for (let i = 0; i < perQueue; i += BATCH) {
      const common: JobCommon = {
        organizationId: opts.organizationId,
        name: `bench-${q}`,
        jobQueueId,
        jobDefinitionId: opts.definitionId,
        createdAt: base + i,
        schedulingPriority: 0,
        shareIdentifier: null,
        attemptsAllowed: 1,
        vcpus: 1,
        memoryMiB: 64,
        gpus: 0,
        container,
        parameters: "{}",
        retryStrategy: null,
        timeoutSeconds: null,
        tags: "{}",
        propagateTags: false,
        submittedById: null,
        consumableResources: "[]",
      };
      const rows: JobRowInsert[] = Array.from({ length: Math.min(BATCH, perQueue - i) }, () => ({
        id: newId(),
        status: "RUNNABLE",
        statusReason: null,
        runnableAt: base + i,
        stoppedAt: null,
        arrayParentId: null,
        arrayIndex: null,
        arraySize: null,
        pendingDependencies: 0,
      }));
      await db.$transaction((tx) => insertJobRows(tx, common, rows), { timeout: 120_000 });
    }
  }
}
