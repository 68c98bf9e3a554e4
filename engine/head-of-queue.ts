// The job at the head of each queue, as AWS Batch treats it: when it cannot start, its
// statusReason says why in AWS's terms (MISCONFIGURATION:… when no environment of the queue can
// ever run it, CAPACITY:… when it waits for room), and the queue's jobStateTimeLimitActions
// cancel it once it has waited that long for the reason an action names. Only the head: a job
// further back waits behind it, and AWS acts on the head alone. Run by the leader every few
// seconds (engine/engine.ts), from the scheduler's own view of free capacity.
import { Prisma } from "@/generated/sqlite/client";
import {
  dispatchOrder,
  type FairShare,
  type HeadOfQueueReason,
  type HostCapacity,
  headOfQueueBlock,
  type PlacementEnvironment,
  type PlacementJob,
} from "@/lib/batch/placement";
import { canTransition, JobStatus, TRANSITIONS } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { direct, directTransaction } from "@/lib/db/direct";
import { afterJobsFinished } from "@/lib/jobs/finish";
import { readQueueFront } from "@/lib/jobs/queue-snapshot";
import { transitionJobsSql } from "@/lib/jobs/transition-jobs";

/** A queue as the scheduler sees it now. */
export interface QueueView {
  id: string;
  organizationId: string;
  /** Its environments in order, with what is free on each now. */
  environments: PlacementEnvironment[];
  /** null: FIFO. */
  fairShare: FairShare | null;
}

export interface CapacityView {
  queues: QueueView[];
  host: HostCapacity;
}

interface TimeLimitAction {
  reason?: string;
  state?: string;
  maxTimeSeconds?: number;
  action?: string;
}

/** Candidates read to find a fair-share queue's head (its order interleaves shares). */
const FAIR_SHARE_FRONT = 32;

export class HeadOfQueue {
  /** The reason last written per job, so an unchanged one is not written again. */
  private written = new Map<string, string | null>();

  constructor(private readonly db: Db) {}

  /** Returns the jobs cancelled by time limit actions. */
  async run(viewOf: () => Promise<CapacityView>, now: number): Promise<number> {
    // An idle engine does this every few seconds: one index probe when nothing waits.
    const [any] = await direct(this.db).$queryRaw<unknown[]>`
      SELECT "id" FROM "Job" WHERE "status" = ${JobStatus.RUNNABLE} LIMIT 1`;
    if (!any) {
      this.written.clear();
      return 0;
    }
    const view = await viewOf();
    const actionsOf = await this.timeLimitActions();
    const heads = new Map<string, string>();
    let cancelled = 0;
    for (const q of view.queues) {
      const head = await this.headOf(q);
      if (!head) continue;
      heads.set(head.id, q.id);
      const block = headOfQueueBlock(head, q.environments, view.host);
      await this.writeReason(head.id, block ? `${block.reason} - ${block.detail}` : null);
      if (!block) continue;
      const action = (actionsOf.get(q.id) ?? []).find((a) => applies(a, block.reason, now - head.runnableAt));
      if (action && (await this.cancel(head.id, action.reason ?? block.reason, now))) cancelled++;
    }
    // Jobs no longer at a head (started, cancelled, overtaken) keep what was written last.
    for (const id of this.written.keys()) if (!heads.has(id)) this.written.delete(id);
    return cancelled;
  }

  private async headOf(q: QueueView): Promise<PlacementJob | undefined> {
    const rows = await readQueueFront(
      this.db,
      { id: q.id, organizationId: q.organizationId, fairShare: q.fairShare !== null },
      q.fairShare ? FAIR_SHARE_FRONT : 1,
    );
    const jobs: PlacementJob[] = rows.map((r) => ({
      id: r.id,
      queueId: q.id,
      vcpus: r.vcpus,
      memoryMiB: r.memoryMiB,
      gpus: r.gpus,
      schedulingPriority: r.schedulingPriority,
      createdAt: Number(r.createdAt),
      runnableAt: Number(r.runnableAt ?? r.createdAt),
      shareIdentifier: r.shareIdentifier,
    }));
    return dispatchOrder(jobs, q.fairShare ?? undefined)[0];
  }

  private async writeReason(jobId: string, reason: string | null): Promise<void> {
    if (this.written.has(jobId) && this.written.get(jobId) === reason) return;
    // Only a reason of ours is cleared: a retried job keeps its last attempt's until it is blocked.
    if (reason === null && !this.written.get(jobId)) {
      this.written.set(jobId, null);
      return;
    }
    await direct(this.db).$executeRaw`
      UPDATE "Job" SET "statusReason" = ${reason} WHERE "id" = ${jobId} AND "status" = ${JobStatus.RUNNABLE}`;
    this.written.set(jobId, reason);
  }

  private async timeLimitActions(): Promise<Map<string, TimeLimitAction[]>> {
    const queues = await this.db.jobQueue.findMany({
      where: { NOT: { jobStateTimeLimitActions: "[]" } },
      select: { id: true, jobStateTimeLimitActions: true },
    });
    const out = new Map<string, TimeLimitAction[]>();
    for (const q of queues) {
      try {
        const parsed = JSON.parse(q.jobStateTimeLimitActions) as unknown;
        if (Array.isArray(parsed)) out.set(q.id, parsed as TimeLimitAction[]);
      } catch {
        // A malformed row acts on nothing; the API never writes one.
      }
    }
    return out;
  }

  /** The head job RUNNABLE → FAILED (the state machine's timeLimitCancel), settling dependents. */
  private async cancel(jobId: string, reason: string, now: number): Promise<boolean> {
    return directTransaction(this.db, async (tx) => {
      const moved = await transitionJobsSql(tx, "timeLimitCancel", {
        set: Prisma.sql`"statusReason" = ${reason}, "stopRequest" = 'CANCEL', "stopReason" = ${reason},
          "stoppedAt" = ${now}, "updatedAt" = ${now}`,
        where: Prisma.sql`"id" = ${jobId}`,
      });
      if (moved.length === 0) return false;
      await afterJobsFinished(tx, [{ id: jobId, status: TRANSITIONS.timeLimitCancel.to }], now);
      return true;
    });
  }
}

/** AWS: state RUNNABLE (the only one), action CANCEL, the reason the head is blocked for, waited long enough. */
function applies(a: TimeLimitAction, reason: HeadOfQueueReason, waitedMs: number): boolean {
  if (a.state !== undefined && !canTransition("timeLimitCancel", a.state)) return false;
  if ((a.action ?? "CANCEL") !== "CANCEL" || !a.maxTimeSeconds) return false;
  return a.reason === reason && waitedMs >= a.maxTimeSeconds * 1000;
}
