// applyOutcomes (engine/outcomes.ts): ended attempts recorded with their own values, and a
// large flush recorded in a few statements rather than one round trip per attempt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttemptOutcome, applyOutcomes } from "@/engine/outcomes";
import type { Tx } from "@/lib/db";
import { newId } from "@/lib/ids";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld } from "../helpers/engine-fixtures";

const ENGINE = "engine-outcomes-test";

/** The transaction client, calling `count` for every statement issued through it. */
function countingStatements(tx: Tx, count: () => void): Tx {
  const counted = (target: object) =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          count();
          return value.apply(obj, args);
        };
      },
    });
  return new Proxy(tx, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (typeof key === "string" && key.startsWith("$") && typeof value === "function") {
        return (...args: unknown[]) => {
          count();
          return value.apply(obj, args);
        };
      }
      return value && typeof value === "object" ? counted(value) : value;
    },
  });
}

describe.each(PROVIDERS)("applyOutcomes on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  /** `n` jobs RUNNING on ENGINE, each with its first attempt's row; returns [jobId, attemptId]. */
  async function running(n: number): Promise<[string, string][]> {
    const world = await seedEngineWorld(t.db);
    // A minute ago: each ended attempt's usage is recorded per UTC day it ran in.
    const startedAt = Date.now() - 60_000;
    const ids: string[] = [];
    for (let i = 0; i < n; i += 200) {
      ids.push(
        ...(await insertJobs(
          t.db,
          world,
          Array.from({ length: Math.min(200, n - i) }, () => ({ command: ["true"] })),
        )),
      );
    }
    await t.db.job.updateMany({
      where: { jobQueueId: world.queueId },
      data: { status: "RUNNING", leaseOwner: ENGINE, attemptCount: 1, startedAt },
    });
    const pairs = ids.map((id): [string, string] => [id, newId()]);
    for (let i = 0; i < pairs.length; i += 200) {
      await t.db.jobAttempt.createMany({
        data: pairs.slice(i, i + 200).map(([jobId, id]) => ({
          id,
          jobId,
          attemptNumber: 1,
          startedAt,
          logStreamName: `def/default/${id}`,
          engineId: ENGINE,
        })),
      });
    }
    return pairs;
  }

  it("records each attempt's own stop time, exit code and reasons, and moves each job", async () => {
    const [[j1, a1], [j2, a2], [j3, a3]] = (await running(3)) as [[string, string], [string, string], [string, string]];
    const now = Date.now();
    const outcomes: AttemptOutcome[] = [
      {
        jobId: j1!,
        attemptId: a1!,
        exitCode: 0,
        reason: null,
        statusReason: "Essential container in task exited",
        stoppedAt: now - 3,
        result: "succeed",
      },
      {
        jobId: j2!,
        attemptId: a2!,
        exitCode: 137,
        reason: "OutOfMemoryError: Container killed due to memory usage",
        statusReason: "Essential container in task exited",
        stoppedAt: now - 2,
        result: "fail",
      },
      {
        jobId: j3!,
        attemptId: a3!,
        exitCode: null,
        reason: "CannotStartContainerError: spawn nope ENOENT",
        statusReason: "Essential container in task exited",
        stoppedAt: now - 1,
        result: "retry",
      },
      // An attempt whose row was never ours to write (a lost lease) matches nothing.
      {
        jobId: newId(),
        attemptId: newId(),
        exitCode: 1,
        reason: null,
        statusReason: "x",
        stoppedAt: now,
        result: "fail",
      },
    ];
    const finished = await t.db.$transaction((tx) => applyOutcomes(tx, ENGINE, outcomes, now));
    expect(finished.map((f) => f.id).sort()).toEqual([j1, j2].sort());

    const attempts = await t.db.jobAttempt.findMany({ where: { id: { in: [a1!, a2!, a3!] } } });
    const byId = new Map(attempts.map((a) => [a.id, a]));
    for (const o of outcomes.slice(0, 3)) {
      const a = byId.get(o.attemptId)!;
      expect(Number(a.stoppedAt)).toBe(o.stoppedAt);
      expect(a.exitCode).toBe(o.exitCode);
      expect(a.reason).toBe(o.reason);
      expect(a.statusReason).toBe(o.statusReason);
    }
    const jobs = await t.db.job.findMany({
      where: { id: { in: [j1!, j2!, j3!] } },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(jobs.map((j) => [j.id, j.status]))).toEqual({
      [j1!]: "SUCCEEDED",
      [j2!]: "FAILED",
      [j3!]: "RUNNABLE",
    });
  });

  // A busy engine ends hundreds of attempts per flush. Recorded one statement per attempt,
  // each flush took seconds on PostgreSQL and grew the next one (bench/array-10k.ts), so the
  // number of statements a flush issues is held to a handful: counted, not timed, because
  // these machines are too noisy for timings in a test (the figures live in bench/).
  it("records 1,500 ended attempts in a handful of statements", async () => {
    const pairs = await running(1_500);
    const now = Date.now();
    const outcomes: AttemptOutcome[] = pairs.map(([jobId, attemptId], i) => ({
      jobId,
      attemptId,
      exitCode: i % 7,
      reason: i % 2 ? `reason ${i}` : null,
      statusReason: "Essential container in task exited",
      stoppedAt: now + i,
      result: i % 7 === 0 ? "succeed" : "fail",
    }));
    let statements = 0;
    const finished = await t.db.$transaction(
      (tx) =>
        applyOutcomes(
          countingStatements(tx, () => statements++),
          ENGINE,
          outcomes,
          now,
        ),
      {
        timeout: 120_000,
      },
    );

    // One statement per attempt would be 1,500 or more; grouped by outcome it is 14 here.
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThan(30);
    expect(finished).toHaveLength(1_500);
    const sample = await t.db.jobAttempt.findMany({
      where: { id: { in: pairs.filter((_, i) => i % 97 === 0).map(([, a]) => a) } },
    });
    const expected = new Map(outcomes.map((o) => [o.attemptId, o]));
    expect(sample.length).toBeGreaterThan(10);
    for (const a of sample) {
      const o = expected.get(a.id)!;
      expect([Number(a.stoppedAt), a.exitCode, a.reason]).toEqual([o.stoppedAt, o.exitCode, o.reason]);
    }
    expect(
      await t.db.jobAttempt.count({ where: { id: { in: pairs.slice(0, 900).map(([, a]) => a) }, stoppedAt: null } }),
    ).toBe(0);
  });
});
