// The engine's quotas (issue 16) on both databases: an organization's STARTING and RUNNING jobs
// never hold more vCPUs than its "Running vCPUs" quota while another organization runs
// unaffected, "why isn't it running" names the quota, a raised quota lets more start; and
// retention deletes the logs of an organization's oldest finished jobs until its stored log
// bytes are within its "Log bytes kept" quota, never an unfinished job's or another
// organization's.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineHandle } from "@/engine/engine";
import { enforceRetention, LOG_QUOTA_EVERY_MS } from "@/engine/retention";
import type { Db } from "@/lib/db";
import { direct } from "@/lib/db/direct";
import { newId } from "@/lib/ids";
import { explainJob } from "@/lib/jobs/explain-job";
import { logsRemoved } from "@/lib/logs/logs-removed";
import { runningVcpuQuotaSentence } from "@/lib/quotas/engine-quota-words";
import { DAY_MS } from "@/lib/retention/days";
import { organizationLogBytes } from "@/lib/retention/log-bytes";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  startTestEngine,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { contextFor, createUser } from "../helpers/fixtures";

const ON_HOST = ["STARTING", "RUNNING"];

async function onHost(db: Db, organizationId: string): Promise<number> {
  return db.job.count({ where: { organizationId, status: { in: ON_HOST } } });
}

describe.each(PROVIDERS)("the running vCPUs quota on %s", (provider) => {
  let t: TestDatabase;
  let engine: EngineHandle;
  let dataDir: string;
  let limited: EngineWorld;
  let free: EngineWorld;
  let raised: EngineWorld;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-quotas-"));
    limited = await seedEngineWorld(t.db, { maxVcpus: 8 });
    free = await seedEngineWorld(t.db, { maxVcpus: 8 });
    raised = await seedEngineWorld(t.db, { maxVcpus: 8 });
    // Set before the engine reads them (it reads quotas with its topology, once a second).
    await t.db.organizationQuota.create({ data: { organizationId: limited.organizationId, maxRunningVcpus: 2 } });
    await t.db.organizationQuota.create({ data: { organizationId: raised.organizationId, maxRunningVcpus: 1 } });
    engine = await startTestEngine(t, provider, dataDir, {
      leaseRenewMs: 100,
      // The machine is not what bounds these jobs: only the environments and the quota do.
      hostCores: 32,
      vcpuOvercommit: 1,
      hostMemoryMiB: 64 * 1024,
    });
  });
  afterAll(async () => {
    await engine.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("never has more of the organization's vCPUs on a host than its quota, and says so", async () => {
    const mine = await insertJobs(
      t.db,
      limited,
      Array.from({ length: 6 }, () => ({ command: ["sleep", "1.2"] })),
    );
    const theirs = await insertJobs(
      t.db,
      free,
      Array.from({ length: 3 }, () => ({ command: ["sleep", "1.2"] })),
    );
    const viewer = await createUser(t.db, `viewer-${newId().slice(0, 8)}@example.com`);
    const ctx = contextFor(t.db, limited.organizationId, viewer, "submitter");

    let mostMine = 0;
    let mostTheirs = 0;
    let explained = false;
    await waitFor(
      "the organization's jobs to finish",
      async () => {
        const [m, o] = await Promise.all([onHost(t.db, limited.organizationId), onHost(t.db, free.organizationId)]);
        expect(m).toBeLessThanOrEqual(2);
        mostMine = Math.max(mostMine, m);
        mostTheirs = Math.max(mostTheirs, o);
        // While two hold the quota, a job still RUNNABLE is held back by it, and the panel says so.
        if (!explained && m === 2) {
          const held = await t.db.job.findFirst({
            where: { id: { in: mine }, status: "RUNNABLE" },
            orderBy: { createdAt: "asc" },
          });
          if (held) {
            const why = await explainJob(ctx, { jobId: held.id });
            const reason = why.reasons.find((r) => r.kind === "QUOTA_RUNNING_VCPUS");
            if (reason && reason.kind === "QUOTA_RUNNING_VCPUS") {
              expect(reason).toEqual({ kind: "QUOTA_RUNNING_VCPUS", quota: 2, held: 2, requested: 1, never: false });
              expect(runningVcpuQuotaSentence(reason)).toMatch(
                /^Your organization's quota of 2 running vCPUs is in use \(2 of 2\); this job needs 1\./,
              );
              expect(why.reasons.map((r) => r.kind)).not.toContain("NEXT");
              explained = true;
            }
          }
        }
        const finished = await t.db.job.count({ where: { id: { in: mine }, status: { in: ["SUCCEEDED", "FAILED"] } } });
        return finished === mine.length;
      },
      60_000,
    );
    expect(mostMine).toBe(2);
    expect(explained).toBe(true);
    // The other organization, without a quota, ran all of its jobs at once.
    expect(mostTheirs).toBe(3);
    for (const id of [...mine, ...theirs]) expect((await waitForTerminal(t.db, id, 30_000)).status).toBe("SUCCEEDED");
  });

  it("starts more once the quota is raised", async () => {
    const ids = await insertJobs(
      t.db,
      raised,
      Array.from({ length: 4 }, () => ({ command: ["sleep", "2"] })),
    );
    await waitFor("one job to start", async () => (await onHost(t.db, raised.organizationId)) === 1);
    // The others wait for the quota, whatever the environment has free.
    for (let i = 0; i < 10; i++) {
      expect(await onHost(t.db, raised.organizationId)).toBeLessThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await t.db.job.count({ where: { id: { in: ids }, status: "RUNNABLE" } })).toBeGreaterThan(0);
    await t.db.organizationQuota.update({
      where: { organizationId: raised.organizationId },
      data: { maxRunningVcpus: 4 },
    });
    await waitFor("more jobs to start at once", async () => (await onHost(t.db, raised.organizationId)) > 1, 20_000);
    for (const id of ids) expect((await waitForTerminal(t.db, id, 30_000)).status).toBe("SUCCEEDED");
  });
});

describe.each(PROVIDERS)("the log bytes quota on %s", (provider) => {
  let t: TestDatabase;
  let org: EngineWorld;
  let other: EngineWorld;
  const NOW = Date.now();
  const ago = (days: number) => NOW - days * DAY_MS;
  // 100 characters, 200 bytes: a measure in characters would find the organization within its quota.
  const LOG = "é".repeat(100);

  /** Jobs with one 200-byte chunk per stream (400 bytes each), finished `stoppedDaysAgo` or not. */
  async function jobsWithLogs(world: EngineWorld, stoppedDaysAgo: (number | null)[]): Promise<string[]> {
    const ids = await insertJobs(
      t.db,
      world,
      stoppedDaysAgo.map(() => ({ command: ["true"] })),
    );
    for (const [i, days] of stoppedDaysAgo.entries()) {
      await t.db.job.update({
        where: { id: ids[i]! },
        data: days === null ? { status: "RUNNING" } : { status: "SUCCEEDED", stoppedAt: ago(days) },
      });
    }
    await t.db.logChunk.createMany({
      data: ids.flatMap((jobId) =>
        ["stdout", "stderr"].map((stream) => ({
          jobId,
          attempt: 1,
          stream,
          seq: 0,
          timestamp: BigInt(NOW),
          data: LOG,
        })),
      ),
    });
    return ids;
  }

  const withLogs = async (ids: string[]) =>
    new Set(
      (await t.db.logChunk.findMany({ where: { jobId: { in: ids } }, select: { jobId: true } })).map((r) => r.jobId),
    );

  beforeAll(async () => {
    t = await freshDatabase(provider);
    org = await seedEngineWorld(t.db);
    other = await seedEngineWorld(t.db);
  });
  afterAll(async () => {
    await t.close();
  });

  it("deletes the oldest finished jobs' logs until the organization is within its quota", async () => {
    // Five finished jobs, oldest first, and one still running: 6 × 400 = 2,400 bytes.
    const finished = await jobsWithLogs(org, [5, 4, 3, 2, 1]);
    const [running] = await jobsWithLogs(org, [null]);
    // Another organization without a quota, with older and larger logs: untouched.
    const theirs = await jobsWithLogs(other, [30, 20, 10]);
    expect(await organizationLogBytes(direct(t.db), provider, org.organizationId)).toBe(2_400);
    await t.db.organizationQuota.create({ data: { organizationId: org.organizationId, maxLogBytes: 1_500 } });

    const r = await enforceRetention(t.db, {
      now: NOW,
      defaults: { jobDays: 0, logDays: 0 },
      pauseMs: 0,
      logQuotaEveryMs: 0,
    });
    expect(r.complete).toBe(true);
    // 2,400 → 2,000 → 1,600 → 1,200: the three oldest go, the rest stays.
    expect(r.logJobs).toBe(3);
    expect(await withLogs([...finished, running!])).toEqual(new Set([finished[3], finished[4], running]));
    const total = await organizationLogBytes(direct(t.db), provider, org.organizationId);
    expect(total).toBe(1_200);
    expect(await withLogs(theirs)).toEqual(new Set(theirs));
    // The jobs stay; only their logs went. The purge mark covers what went.
    expect(await t.db.job.count({ where: { id: { in: finished } } })).toBe(5);
    const setting = await t.db.retentionSetting.findUniqueOrThrow({ where: { organizationId: org.organizationId } });
    expect(Number(setting.logsPurgedThrough)).toBeGreaterThanOrEqual(ago(3) - 1);
    expect(Number(setting.logsPurgedThrough)).toBeLessThan(ago(2));
    // The log viewer says the deleted ones were deleted, not that they wrote nothing.
    const removed = async (id: string) => {
      const job = await t.db.job.findUniqueOrThrow({ where: { id }, select: { stoppedAt: true } });
      return logsRemoved(
        { db: t.db, organizationId: org.organizationId },
        { stoppedAt: job.stoppedAt == null ? null : Number(job.stoppedAt) },
      );
    };
    // (The mark stops just short of the last job deleted, which may share its stop time with one
    // kept: that one is left out of the claim, never a kept one put in.)
    const said = await Promise.all([...finished, running!].map(removed));
    expect([said[0], said[1], ...said.slice(3)]).toEqual([true, true, false, false, false]);

    // Within the quota: a second run deletes nothing.
    const again = await enforceRetention(t.db, {
      now: NOW,
      defaults: { jobDays: 0, logDays: 0 },
      pauseMs: 0,
      logQuotaEveryMs: 0,
    });
    expect(again.batches).toEqual([]);
  });

  it("never deletes an unfinished job's logs, even when they alone pass the quota", async () => {
    const [running] = await t.db.job.findMany({
      where: { organizationId: org.organizationId, status: "RUNNING" },
      select: { id: true },
    });
    await t.db.organizationQuota.update({ where: { organizationId: org.organizationId }, data: { maxLogBytes: 100 } });
    const r = await enforceRetention(t.db, {
      now: NOW,
      defaults: { jobDays: 0, logDays: 0 },
      pauseMs: 0,
      logQuotaEveryMs: 0,
    });
    expect(r.complete).toBe(true);
    expect(r.logJobs).toBe(2);
    const jobs = await t.db.job.findMany({ where: { organizationId: org.organizationId }, select: { id: true } });
    expect(await withLogs(jobs.map((j) => j.id))).toEqual(new Set([running!.id]));
    expect(await organizationLogBytes(direct(t.db), provider, org.organizationId)).toBe(400);
  });

  it("measures an organization at most every few minutes", async () => {
    const world = await seedEngineWorld(t.db);
    await t.db.organizationQuota.create({ data: { organizationId: world.organizationId, maxLogBytes: 500 } });
    const first = await jobsWithLogs(world, [3, 2]);
    const run = (now: number) => enforceRetention(t.db, { now, defaults: { jobDays: 0, logDays: 0 }, pauseMs: 0 });
    expect((await run(NOW)).logJobs).toBe(1);
    expect(await withLogs(first)).toEqual(new Set([first[1]]));
    // Over the quota again, yet not measured until its time comes.
    const later = await jobsWithLogs(world, [1.5]);
    expect((await run(NOW + 1_000)).logJobs).toBe(0);
    expect(await withLogs([...first, ...later])).toEqual(new Set([first[1], later[0]]));
    expect((await run(NOW + LOG_QUOTA_EVERY_MS)).logJobs).toBe(1);
    expect(await withLogs([...first, ...later])).toEqual(new Set([later[0]]));
  });
});
