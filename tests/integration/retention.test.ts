// Retention of finished jobs and logs (engine/retention.ts, Settings → Retention) on both
// databases: exactly the right rows go, nothing else, and no transaction exceeds its batch.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngine } from "@/engine/engine";
import { enforceRetention, type RetentionResult } from "@/engine/retention";
import { parseInput } from "@/lib/auth/operation";
import type { Db } from "@/lib/db";
import { newId } from "@/lib/ids";
import { DAY_MS } from "@/lib/retention/days";
import { getRetentionSettings, retentionInput, saveRetentionSettings } from "@/lib/retention/settings";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld, waitFor } from "../helpers/engine-fixtures";
import { contextFor } from "../helpers/fixtures";

const NOW = Date.now();
const ago = (days: number) => NOW - days * DAY_MS;

type Status = "SUCCEEDED" | "FAILED" | "RUNNING" | "PENDING" | "RUNNABLE";

/** Jobs in a given state, each with one attempt and one log chunk per stream. */
async function jobs(
  db: Db,
  world: EngineWorld,
  n: number,
  status: Status,
  stoppedDaysAgo: number | null,
  extra: { arrayParentId?: string; arraySize?: number; arrayIndex?: (i: number) => number } = {},
): Promise<string[]> {
  const ids = await insertJobs(
    db,
    world,
    Array.from({ length: n }, (_, i) => ({
      command: ["true"],
      createdAt: ago(40) + i,
      arrayParentId: extra.arrayParentId,
      arraySize: extra.arraySize,
      arrayIndex: extra.arrayIndex?.(i),
    })),
  );
  const stoppedAt = stoppedDaysAgo === null ? null : ago(stoppedDaysAgo);
  await db.job.updateMany({ where: { id: { in: ids } }, data: { status, stoppedAt, startedAt: ago(41) } });
  await db.jobAttempt.createMany({
    data: ids.map((jobId) => ({ id: newId(), jobId, attemptNumber: 1, logStreamName: `s/default/${jobId}` })),
  });
  await db.logChunk.createMany({
    data: ids.flatMap((jobId) =>
      ["stdout", "stderr"].map((stream) => ({
        jobId,
        attempt: 1,
        stream,
        seq: 0,
        timestamp: BigInt(ago(41)),
        data: "x\n",
      })),
    ),
  });
  return ids;
}

async function array(db: Db, world: EngineWorld, size: number, parent: Status, children: Status[], stopped: number) {
  const [parentId] = await jobs(db, world, 1, parent, parent === "SUCCEEDED" || parent === "FAILED" ? stopped : null, {
    arraySize: size,
  });
  const childIds: string[] = [];
  for (const [i, s] of children.entries()) {
    const [id] = await jobs(db, world, 1, s, s === "SUCCEEDED" || s === "FAILED" ? stopped : null, {
      arrayParentId: parentId,
      arrayIndex: () => i,
    });
    childIds.push(id!);
  }
  return { parentId: parentId!, childIds };
}

const ids = async (db: Db, model: "job" | "logChunk" | "jobAttempt") => {
  if (model === "job") return new Set((await db.job.findMany({ select: { id: true } })).map((r) => r.id));
  if (model === "logChunk")
    return new Set((await db.logChunk.findMany({ select: { jobId: true } })).map((r) => r.jobId));
  return new Set((await db.jobAttempt.findMany({ select: { jobId: true } })).map((r) => r.jobId));
};

describe.each(PROVIDERS)("retention on %s", (provider) => {
  let t: TestDatabase;
  let a: EngineWorld;
  let b: EngineWorld;
  const gone = new Set<string>(); // jobs that must be deleted
  const logsGone = new Set<string>(); // jobs that stay, logs deleted
  let all: Set<string>;
  const edges: { jobId: string; dependsOnJobId: string; stays: boolean }[] = [];

  beforeAll(async () => {
    t = await freshDatabase(provider);
    a = await seedEngineWorld(t.db);
    b = await seedEngineWorld(t.db);
    const db = t.db;
    // Organization A keeps jobs 10 days and logs 3 days.
    await db.retentionSetting.create({ data: { organizationId: a.organizationId, jobDays: 10, logDays: 3 } });

    for (const id of await jobs(db, a, 5, "SUCCEEDED", 20)) gone.add(id);
    for (const id of await jobs(db, a, 2, "FAILED", 11)) gone.add(id);
    // Seven jobs stopped in the same millisecond, 5 days ago: logs go, jobs stay.
    for (const id of await jobs(db, a, 7, "SUCCEEDED", 5)) logsGone.add(id);
    await jobs(db, a, 3, "SUCCEEDED", 1); // recent: everything stays
    await jobs(db, a, 2, "RUNNING", null); // running for 40 days: stays, with its logs
    // A job that ran long ago yet is RUNNING again (stoppedAt left behind): not terminal, stays.
    const [stillRunning] = await jobs(db, a, 1, "RUNNING", 30);

    // An old finished job an unfinished job depends on: kept (its logs go).
    const [blocker] = await jobs(db, a, 1, "SUCCEEDED", 20);
    const [waiting] = await jobs(db, a, 1, "PENDING", null);
    logsGone.add(blocker!);
    await db.jobDependency.create({ data: { jobId: waiting!, dependsOnJobId: blocker! } });
    edges.push({ jobId: waiting!, dependsOnJobId: blocker!, stays: true });
    // An old job whose dependent is finished and old too: both go, with the edge.
    const [dep] = await jobs(db, a, 1, "SUCCEEDED", 25);
    const [dependent] = await jobs(db, a, 1, "FAILED", 24);
    await db.jobDependency.create({ data: { jobId: dependent!, dependsOnJobId: dep! } });
    gone.add(dep!);
    gone.add(dependent!);
    edges.push({ jobId: dependent!, dependsOnJobId: dep!, stays: false });
    // An old job with a recent finished dependent: goes; the dependent stays, the edge goes.
    const [oldDep] = await jobs(db, a, 1, "SUCCEEDED", 30);
    const [recentDependent] = await jobs(db, a, 1, "SUCCEEDED", 1);
    await db.jobDependency.create({ data: { jobId: recentDependent!, dependsOnJobId: oldDep! } });
    gone.add(oldDep!);
    edges.push({ jobId: recentDependent!, dependsOnJobId: oldDep!, stays: false });

    // Arrays: a finished old one goes whole (7 children: several batches of 2).
    const done = await array(db, a, 7, "SUCCEEDED", Array(7).fill("SUCCEEDED"), 15);
    gone.add(done.parentId);
    for (const c of done.childIds) gone.add(c);
    // An old array still running: stays whole; only its finished children's logs go.
    const running = await array(db, a, 3, "RUNNING", ["SUCCEEDED", "RUNNING", "SUCCEEDED"], 15);
    logsGone.add(running.childIds[0]!);
    logsGone.add(running.childIds[2]!);
    // A finished old array whose child an unfinished job depends on: stays whole, logs go.
    const held = await array(db, a, 3, "FAILED", ["SUCCEEDED", "FAILED", "SUCCEEDED"], 15);
    const [afterChild] = await jobs(db, a, 1, "PENDING", null);
    await db.jobDependency.create({ data: { jobId: afterChild!, dependsOnJobId: held.childIds[1]! } });
    edges.push({ jobId: afterChild!, dependsOnJobId: held.childIds[1]!, stays: true });
    logsGone.add(held.parentId);
    for (const c of held.childIds) logsGone.add(c);

    // Organization B has not chosen and the server keeps forever: nothing of it goes.
    await jobs(db, b, 4, "SUCCEEDED", 400);
    all = await ids(db, "job");
    expect(stillRunning).toBeDefined();
  });

  afterAll(async () => {
    await t.close();
  });

  function checkBatches(r: RetentionResult, size: number) {
    for (const batch of r.batches) {
      expect(batch.jobs).toBeLessThanOrEqual(size);
      expect(batch.organizationId).toBe(a.organizationId);
    }
  }

  it("one run stops at its transaction budget, each transaction within the batch size", async () => {
    const before = (await ids(t.db, "job")).size;
    const r = await enforceRetention(t.db, {
      now: NOW,
      defaults: { jobDays: 0, logDays: 0 },
      batchSize: 2,
      maxBatches: 3,
      pauseMs: 0,
    });
    expect(r.batches).toHaveLength(3);
    expect(r.complete).toBe(false);
    checkBatches(r, 2);
    const after = (await ids(t.db, "job")).size;
    expect(before - after).toBe(r.jobsDeleted);
    expect(r.jobsDeleted + r.logJobs).toBeLessThanOrEqual(6);
  });

  it("further runs delete exactly the expired rows and nothing else", async () => {
    let runs = 0;
    for (;;) {
      const r = await enforceRetention(t.db, {
        now: NOW,
        defaults: { jobDays: 0, logDays: 0 },
        batchSize: 2,
        maxBatches: 4,
        pauseMs: 0,
      });
      checkBatches(r, 2);
      runs++;
      if (r.complete) break;
      expect(runs).toBeLessThan(50);
    }
    const jobsLeft = await ids(t.db, "job");
    expect([...jobsLeft].sort()).toEqual([...all].filter((id) => !gone.has(id)).sort());
    const withLogs = await ids(t.db, "logChunk");
    expect([...withLogs].sort()).toEqual([...all].filter((id) => !gone.has(id) && !logsGone.has(id)).sort());
    const withAttempts = await ids(t.db, "jobAttempt");
    expect([...withAttempts].sort()).toEqual([...jobsLeft].sort());
    const deps = await t.db.jobDependency.findMany();
    expect(deps.map((d) => `${d.jobId}>${d.dependsOnJobId}`).sort()).toEqual(
      edges
        .filter((e) => e.stays)
        .map((e) => `${e.jobId}>${e.dependsOnJobId}`)
        .sort(),
    );
    // No array child outlives its parent.
    const orphans = await t.db.job.findMany({
      where: { arrayParentId: { not: null } },
      select: { arrayParentId: true },
    });
    for (const o of orphans) expect(jobsLeft.has(o.arrayParentId!)).toBe(true);
    // The log progress mark sits at the newest purged stop time.
    const setting = await t.db.retentionSetting.findUniqueOrThrow({ where: { organizationId: a.organizationId } });
    expect(Number(setting.logsPurgedThrough)).toBeGreaterThanOrEqual(ago(5));
    expect(Number(setting.logsPurgedThrough)).toBeLessThan(ago(3));
  });

  it("a run with nothing left to do touches nothing", async () => {
    const r = await enforceRetention(t.db, { now: NOW, defaults: { jobDays: 0, logDays: 0 }, pauseMs: 0 });
    expect(r.batches).toEqual([]);
    expect(r.complete).toBe(true);
  });

  it("the server's defaults apply to organizations that have not chosen", async () => {
    const before = await t.db.job.count({ where: { organizationId: b.organizationId } });
    expect(before).toBe(4);
    const r = await enforceRetention(t.db, { now: NOW, defaults: { jobDays: 365, logDays: 30 }, pauseMs: 0 });
    expect(r.jobsDeleted).toBe(4);
    expect(await t.db.job.count({ where: { organizationId: b.organizationId } })).toBe(0);
    expect(await t.db.logChunk.count({ where: { jobId: { in: [...all] } } })).toBeGreaterThan(0);
  });

  it("the leading engine enforces retention beside its loop", async () => {
    const c = await seedEngineWorld(t.db);
    await t.db.retentionSetting.create({ data: { organizationId: c.organizationId, jobDays: 2, logDays: 1 } });
    const [old] = await jobs(t.db, c, 1, "SUCCEEDED", 3);
    const [logsOnly] = await jobs(t.db, c, 1, "FAILED", 1.5);
    const [recent] = await jobs(t.db, c, 1, "SUCCEEDED", 0.5);
    const dataDir = mkdtempSync(join(tmpdir(), "batchdeck-retention-"));
    const engine = startEngine({
      db: t.db,
      provider,
      databaseUrl: t.url,
      dataDir,
      pollMs: 10,
      leaseRenewMs: 200,
      leaseTtlMs: 1_000,
      sampleMs: 0,
      retentionMs: 50,
      retentionBatch: { size: 500, maxBatches: 20, pauseMs: 10 },
      log: () => {},
    });
    try {
      await engine.leading();
      await waitFor("retention to run", async () => (await t.db.job.count({ where: { id: old! } })) === 0);
      await waitFor("logs to go", async () => (await t.db.logChunk.count({ where: { jobId: logsOnly! } })) === 0);
      expect(await t.db.job.count({ where: { id: { in: [logsOnly!, recent!] } } })).toBe(2);
      expect(await t.db.logChunk.count({ where: { jobId: recent! } })).toBe(2);
    } finally {
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("Settings → Retention validates, saves with an audit entry, and reads back", async () => {
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: b.organizationId, role: "admin" },
      include: { user: true },
    });
    const ctx = contextFor(t.db, b.organizationId, admin.user, "admin");
    expect(() => parseInput(retentionInput, { jobDays: "7", logDays: "30" })).toThrow(/Logs cannot be kept longer/);
    expect(() => parseInput(retentionInput, { jobDays: "7", logDays: "0" })).toThrow(/Logs cannot be kept longer/);
    expect(() => parseInput(retentionInput, { jobDays: "-1", logDays: "" })).toThrow();
    expect(() => parseInput(retentionInput, { jobDays: "1.5", logDays: "" })).toThrow();
    expect(() => parseInput(retentionInput, { jobDays: "x", logDays: "" })).toThrow();
    expect(() => parseInput(retentionInput, { jobDays: 10, logDays: 3, extra: 1 })).toThrow();
    const input = parseInput(retentionInput, { jobDays: "30", logDays: "7" });
    const saved = await saveRetentionSettings(ctx, input);
    expect(saved.chosen).toEqual({ jobDays: 30, logDays: 7 });
    expect(saved.effective).toEqual({ jobDays: 30, logDays: 7 });
    const blank = await saveRetentionSettings(ctx, parseInput(retentionInput, { jobDays: "", logDays: "" }));
    expect(blank.chosen).toEqual({ jobDays: null, logDays: null });
    expect((await getRetentionSettings(ctx)).chosen).toEqual({ jobDays: null, logDays: null });
    const audit = await t.db.auditEvent.findMany({
      where: { organizationId: b.organizationId, action: "organization.retention.update" },
    });
    expect(audit).toHaveLength(2);
  });
});
