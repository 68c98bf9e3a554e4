// Small jobs submitted through SubmitJob (the domain function the console and /v1 call) and
// timed to the engine's RUNNING: shared by bench/dispatch-latency.ts and bench/log-burst.ts.
import { submitJob, submitJobInput } from "@/lib/jobs/submit-job";
import { type adminContext, type BenchDatabase, sleep } from "./harness";

/** What the latency jobs run: nothing, so the figure is the engine's own overhead. */
export const SMALL_COMMAND = ["true"];

/** Submits one small job and resolves with its latencies. */
export async function submitAndTime(
  d: BenchDatabase,
  ctx: Awaited<ReturnType<typeof adminContext>>,
  names: { queue: string; definition: string },
  jobName: string,
): Promise<{ accepted: number; spawned: number; running: number }> {
  const input = submitJobInput.parse({
    jobName,
    jobQueue: names.queue,
    jobDefinition: names.definition,
    containerOverrides: { command: SMALL_COMMAND, vcpus: 1, memory: 64 },
  });
  const t0 = Date.now();
  const p0 = performance.now();
  const { jobId } = await submitJob(ctx, input);
  const accepted = performance.now() - p0;
  for (;;) {
    const job = await d.db.job.findUniqueOrThrow({
      where: { id: jobId },
      select: { startedAt: true, status: true, attempts: { select: { startedAt: true } } },
    });
    if (job.startedAt !== null && job.attempts[0]) {
      return { accepted, spawned: Number(job.attempts[0].startedAt) - t0, running: Number(job.startedAt) - t0 };
    }
    if (job.status === "FAILED") throw new Error(`job ${jobId} failed before it was seen RUNNING`);
    await sleep(2);
  }
}

export async function waitUntilIdle(d: BenchDatabase) {
  while ((await d.db.job.count({ where: { status: { notIn: ["SUCCEEDED", "FAILED"] } } })) > 0) await sleep(5);
}

export async function worldNames(d: BenchDatabase, world: { queueId: string; definitionId: string }) {
  const [q, def] = await Promise.all([
    d.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId }, select: { name: true } }),
    d.db.jobDefinition.findUniqueOrThrow({ where: { id: world.definitionId }, select: { name: true } }),
  ]);
  return { queue: q.name, definition: def.name };
}
