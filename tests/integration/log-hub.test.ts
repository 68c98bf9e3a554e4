// The log hub (lib/logs/log-hub.ts): one web server's live tails read together. Many viewers of
// many attempts, some sharing one, each receive their attempt's lines once, in order, from their
// own cursor, while chunks keep arriving; `complete` comes once the attempt has stopped and its
// last lines were delivered; a viewer whose session ends, whose membership goes, or whose job is
// removed is closed; and the hub's reads do not grow with the number of viewers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { newId } from "@/lib/ids";
import { type HubBatch, type HubCloseReason, LogHub } from "@/lib/logs/log-hub";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld, waitFor } from "../helpers/engine-fixtures";
import { contextFor, createUser } from "../helpers/fixtures";

interface Viewer {
  batches: HubBatch[];
  closed: HubCloseReason | null;
  lines: () => string[];
  complete: () => boolean;
}

describe.each(PROVIDERS)("log hub on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let ctx: OrgContext;
  const seqs = new Map<string, number>();

  async function startedJob(): Promise<string> {
    const [jobId] = (await insertJobs(t.db, world, [{ command: ["true"] }])) as [string];
    await t.db.job.update({ where: { id: jobId }, data: { status: "RUNNING", attemptCount: 1 } });
    await t.db.jobAttempt.create({
      data: { id: newId(), jobId, attemptNumber: 1, startedAt: 1_000, logStreamName: `def/default/${newId()}` },
    });
    return jobId;
  }

  async function write(jobId: string, lines: string[]) {
    const seq = seqs.get(jobId) ?? 0;
    seqs.set(jobId, seq + 1);
    await t.db.logChunk.create({
      data: { jobId, attempt: 1, stream: "stdout", seq, timestamp: Date.now(), data: `${lines.join("\n")}\n` },
    });
  }

  function watch(hub: LogHub, jobId: string, after: number, viewerCtx = ctx): Viewer & { stop: () => void } {
    const v: Viewer = {
      batches: [],
      closed: null,
      lines: () => v.batches.flatMap((b) => b.events.map((e) => e.message)),
      complete: () => v.batches.some((b) => b.complete),
    };
    const stop = hub.subscribe({
      ctx: viewerCtx,
      permission: "resources.view",
      jobId,
      attempt: 1,
      after,
      onBatch: (b) => v.batches.push(b),
      onClose: (reason) => {
        v.closed = reason;
      },
    });
    return Object.assign(v, { stop });
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db);
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId },
      include: { user: true },
    });
    ctx = contextFor(t.db, world.organizationId, admin.user, "submitter");
  });
  afterAll(async () => {
    await t.close();
  });

  it("delivers every viewer's lines once, in order, from its own cursor, and ends once the attempt stopped", async () => {
    const hub = new LogHub(t.db);
    const jobs = await Promise.all(Array.from({ length: 12 }, () => startedJob()));
    // Lines already there before anyone watches: a viewer from the start gets them, one that
    // holds them already (its cursor past them) does not.
    await write(jobs[0]!, ["early-1", "early-2"]);
    const early = await t.db.logChunk.findFirstOrThrow({ where: { jobId: jobs[0]! } });
    const viewers = jobs.map((jobId) => watch(hub, jobId, 0));
    const second = watch(hub, jobs[0]!, early.id);

    const LINES = 30;
    const delivered = (n: number) =>
      waitFor(
        `every viewer has its first ${n} lines`,
        async () => viewers.every((v, i) => v.lines().length >= n + (i === 0 ? 2 : 0)),
        30_000,
        20,
      );
    // In three rounds of writes, each delivered before the next is written: viewers receive
    // lines while more keep arriving.
    for (let n = 1; n <= LINES; n++) {
      for (const jobId of jobs) await write(jobId, [`${jobId.slice(0, 6)}-${n}`]);
      if (n % 10 === 0) await delivered(n);
    }
    const expected = (jobId: string) => Array.from({ length: LINES }, (_, i) => `${jobId.slice(0, 6)}-${i + 1}`);
    viewers.forEach((v, i) => {
      expect(v.lines()).toEqual([...(i === 0 ? ["early-1", "early-2"] : []), ...expected(jobs[i]!)]);
      expect(v.complete()).toBe(false);
      expect(v.closed).toBeNull();
      // Sequence numbers only grow, and tokens are the last chunk id delivered.
      const seq = v.batches.flatMap((b) => b.events.map((e) => e.seq));
      expect([...seq].sort((a, b) => a - b)).toEqual(seq);
      expect(new Set(seq).size).toBe(seq.length);
    });
    expect(second.lines()).toEqual(expected(jobs[0]!));

    // The attempt stops with its last lines written in the same transaction (as the engine does).
    await t.db.$transaction(async (tx) => {
      await tx.logChunk.create({
        data: { jobId: jobs[1]!, attempt: 1, stream: "stdout", seq: 999, timestamp: Date.now(), data: "last\n" },
      });
      await tx.jobAttempt.updateMany({ where: { jobId: jobs[1]! }, data: { stoppedAt: Date.now(), exitCode: 0 } });
    });
    await waitFor("the end", async () => viewers[1]!.complete(), 5_000, 50);
    expect(viewers[1]!.lines().at(-1)).toBe("last");
    expect(viewers[1]!.batches.filter((b) => b.complete)).toHaveLength(1);
    // Ended viewers leave the hub; the others still follow.
    expect(hub.size).toBe(jobs.length); // 12 viewers + `second` - the ended one
    for (const v of [...viewers, second]) v.stop();
    expect(hub.size).toBe(0);
  });

  it("closes the viewers whose session ends or whose membership goes, and the viewers of a removed job", async () => {
    const hub = new LogHub(t.db);
    const jobA = await startedJob();
    const jobB = await startedJob();
    const other = await createUser(t.db, `viewer-${newId()}@example.com`);
    await t.db.membership.create({
      data: { id: newId(), organizationId: world.organizationId, userId: other.id, role: "submitter" },
    });
    const sessionId = newId();
    await t.db.session.create({
      data: {
        id: sessionId,
        userId: other.id,
        organizationId: world.organizationId,
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const removedLater = await createUser(t.db, `removed-${newId()}@example.com`);
    await t.db.membership.create({
      data: { id: newId(), organizationId: world.organizationId, userId: removedLater.id, role: "developer" },
    });
    const signedIn = { ...contextFor(t.db, world.organizationId, other, "submitter"), sessionId };
    const member = contextFor(t.db, world.organizationId, removedLater, "developer");

    const bySession = watch(hub, jobA, 0, signedIn);
    const byMember = watch(hub, jobA, 0, member);
    const stays = watch(hub, jobA, 0);
    const ofRemovedJob = watch(hub, jobB, 0);
    await write(jobA, ["a"]);
    await waitFor("the line", async () => stays.lines().length === 1, 5_000, 50);

    await t.db.session.delete({ where: { id: sessionId } });
    await t.db.membership.delete({
      where: { organizationId_userId: { organizationId: world.organizationId, userId: removedLater.id } },
    });
    await t.db.jobAttempt.deleteMany({ where: { jobId: jobB } });
    await t.db.job.delete({ where: { id: jobB } });
    // Access is checked every RECHECK_MS (2 s); the job's removal is seen at the next read.
    await waitFor("the closes", async () => bySession.closed && byMember.closed && ofRemovedJob.closed, 6_000, 50);
    expect(bySession.closed).toBe("denied");
    expect(byMember.closed).toBe("denied");
    expect(ofRemovedJob.closed).toBe("gone");
    expect(stays.closed).toBeNull();
    await write(jobA, ["b"]);
    await waitFor("the next line", async () => stays.lines().length === 2, 5_000, 50);
    expect(bySession.lines()).toEqual(["a"]);
    stays.stop();
  });

  it("reads for 300 viewers in a few queries a round, not a few per viewer", async () => {
    const jobs = await Promise.all(Array.from({ length: 60 }, () => startedJob()));
    let queries = 0;
    // Every operation, raw statements included (the hub's reads are raw SQL).
    const counted = t.db.$extends({
      query: {
        async $allOperations({ args, query }) {
          queries++;
          return query(args);
        },
      },
    });
    const hub = new LogHub(counted as unknown as typeof t.db);
    const viewers = jobs.flatMap((jobId) => Array.from({ length: 5 }, () => watch(hub, jobId, 0)));
    for (const jobId of jobs) await write(jobId, ["x"]);
    await waitFor("every line", async () => viewers.every((v) => v.lines().length === 1), 10_000, 50);
    // Counted over whole rounds: from the end of one round to the end of the eighth after it.
    const ROUNDS = 8;
    const start = hub.stats.rounds + 1;
    await waitFor("a round to end", async () => hub.stats.rounds >= start, 30_000, 1);
    const before = { queries, ...hub.stats };
    await waitFor(`${ROUNDS} more rounds`, async () => hub.stats.rounds >= before.rounds + ROUNDS, 30_000, 1);
    const made = queries - before.queries;
    const rechecks = hub.stats.rechecks - before.rechecks;
    const rounds = hub.stats.rounds - before.rounds;
    console.log(
      `log hub: ${viewers.length} viewers, ${made} queries in ${rounds} rounds and ${rechecks} access rechecks`,
    );
    // Two reads a round (attempts, then chunks of up to 200 attempts) and two per recheck
    // (sessions, memberships), whatever the number of viewers; the lower bound shows the
    // counter sees the hub's reads at all.
    expect(made).toBeGreaterThanOrEqual(2 * rounds);
    expect(made).toBeLessThanOrEqual(2 * rounds + 2 * rechecks);
    for (const v of viewers) v.stop();
  });
});
