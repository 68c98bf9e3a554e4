// getLogEvents: the console's reader of one attempt's STDOUT/STDERR. Following forward tokens
// page by page, while the "engine" keeps appending chunks, yields every line once, in order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { newId } from "@/lib/ids";
import { getLogEvents, type JobLogEvent } from "@/lib/logs/get-log-events";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld } from "../helpers/engine-fixtures";
import { contextFor, createUser } from "../helpers/fixtures";

describe.each(PROVIDERS)("getLogEvents on %s", (provider) => {
  let t: TestDatabase;
  let ctx: OrgContext;
  let jobId: string;
  let seq = 0;

  async function chunk(stream: "stdout" | "stderr", data: string, timestamp: number, attempt = 1) {
    await t.db.logChunk.create({ data: { jobId, attempt, stream, seq: seq++, timestamp, data } });
  }

  async function readAll(opts: { limit: number; nextToken?: string; stream?: "stdout" | "stderr" | "both" }) {
    const events: JobLogEvent[] = [];
    let token = opts.nextToken;
    let last = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await getLogEvents(ctx, { jobId, limit: opts.limit, nextToken: token, stream: opts.stream });
      last = page;
      events.push(...page.events);
      if (page.nextForwardToken === token || page.events.length === 0) break;
      token = page.nextForwardToken;
    }
    return { events, token: last?.nextForwardToken, complete: last?.complete };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const world = await seedEngineWorld(t.db);
    [jobId] = (await insertJobs(t.db, world, [{ command: ["true"] }])) as [string];
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId },
      include: { user: true },
    });
    ctx = contextFor(t.db, world.organizationId, admin.user, "submitter");
    await t.db.job.update({ where: { id: jobId }, data: { status: "RUNNING", attemptCount: 1 } });
    await t.db.jobAttempt.create({
      data: { id: newId(), jobId, attemptNumber: 1, startedAt: 1_000, logStreamName: `def/default/${newId()}` },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("follows forward tokens without gaps or repeats while lines keep arriving", async () => {
    expect((await getLogEvents(ctx, { jobId })).events).toEqual([]);
    await chunk("stdout", "one\ntwo\n", 1_000);
    // STDERR flushed later with an earlier stamp: reading by id still returns it, once.
    await chunk("stderr", "warn\n", 2_000);
    await chunk("stdout", "three\nfour\nfi", 3_000);
    await chunk("stderr", "early\n", 1_500);
    const first = await readAll({ limit: 2 });
    expect(first.events.map((e) => e.message)).toEqual(["one", "two", "warn", "three", "four", "fi", "early"]);
    expect(first.events.find((e) => e.message === "fi")?.partial).toBe(true);
    expect(first.events.find((e) => e.message === "warn")?.stream).toBe("stderr");
    expect(first.complete).toBe(false);

    // The engine appends more; reading on from the last token returns only the new lines.
    await chunk("stdout", "ve\nsix\n", 4_000);
    const second = await readAll({ limit: 1, nextToken: first.token });
    expect(second.events.map((e) => e.message)).toEqual(["ve", "six"]);
    const all = [...first.events, ...second.events].map((e) => e.seq);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort((a, b) => a - b)).toEqual(all);

    // Nothing new: the token comes back unchanged.
    const idle = await getLogEvents(ctx, { jobId, nextToken: second.token });
    expect(idle.events).toEqual([]);
    expect(idle.nextForwardToken).toBe(second.token);
    expect(idle.complete).toBe(false);
    expect(idle.caughtUp).toBe(true);
  });

  it("filters by stream and reads the tail", async () => {
    const errs = await readAll({ limit: 10, stream: "stderr" });
    expect(errs.events.map((e) => e.message)).toEqual(["warn", "early"]);
    const tail = await getLogEvents(ctx, { jobId, startFromHead: false, limit: 3 });
    expect(tail.events.map((e) => e.message)).toEqual(["early", "ve", "six"]);
    // The tail's token reads on after the newest chunk.
    expect((await getLogEvents(ctx, { jobId, nextToken: tail.nextForwardToken })).events).toEqual([]);
  });

  it("says complete once the attempt has stopped and its last line is read", async () => {
    await chunk("stdout", "bye\n", 5_000);
    await t.db.jobAttempt.updateMany({ where: { jobId }, data: { stoppedAt: 5_001, exitCode: 0 } });
    await t.db.job.update({ where: { id: jobId }, data: { status: "SUCCEEDED" } });
    const page = await getLogEvents(ctx, { jobId, limit: 3 });
    expect(page.complete).toBe(false);
    const rest = await readAll({ limit: 100 });
    expect(rest.events.at(-1)?.message).toBe("bye");
    expect(rest.complete).toBe(true);
    expect(page.attempts).toEqual([1]);
    expect(page.attempt).toBe(1);
  });

  it("reads the attempt asked for, and the latest by default", async () => {
    await t.db.jobAttempt.create({
      data: { id: newId(), jobId, attemptNumber: 2, startedAt: 6_000, logStreamName: `def/default/${newId()}` },
    });
    await chunk("stdout", "second attempt\n", 6_000, 2);
    const latest = await getLogEvents(ctx, { jobId });
    expect(latest.attempt).toBe(2);
    expect(latest.attempts).toEqual([1, 2]);
    expect(latest.events.map((e) => e.message)).toEqual(["second attempt"]);
    const first = await getLogEvents(ctx, { jobId, attempt: 1, limit: 1 });
    expect(first.events[0]?.message).toBe("one");
    const missing = await getLogEvents(ctx, { jobId, attempt: 7 });
    expect(missing.events).toEqual([]);
    expect(missing.complete).toBe(true);
  });

  it("gathers many small chunks into one page, and stops a page at the line limit", async () => {
    await t.db.jobAttempt.create({
      data: { id: newId(), jobId, attemptNumber: 3, startedAt: 7_000, logStreamName: `def/default/${newId()}` },
    });
    for (let i = 0; i < 100; i++) await chunk(i % 3 ? "stdout" : "stderr", `line ${i}\n`, 7_000 + i, 3);
    const all = await getLogEvents(ctx, { jobId, attempt: 3, limit: 1_000 });
    expect(all.events.map((e) => e.message)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
    const some = await getLogEvents(ctx, { jobId, attempt: 3, limit: 40 });
    expect(some.events).toHaveLength(40);
    expect(some.caughtUp).toBe(false);
    expect(all.caughtUp).toBe(true);
    const rest = await getLogEvents(ctx, { jobId, attempt: 3, limit: 1_000, nextToken: some.nextForwardToken });
    expect(rest.events[0]?.message).toBe("line 40");
    expect(rest.events).toHaveLength(60);
  });

  it("answers not found for another organization's job, and refuses a bad token", async () => {
    const other = await seedEngineWorld(t.db);
    const stranger = await createUser(t.db, `stranger-${newId().slice(0, 6)}@example.com`);
    const outsider = contextFor(t.db, other.organizationId, stranger, "admin");
    await expect(getLogEvents(outsider, { jobId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getLogEvents(ctx, { jobId, nextToken: "f/1-2" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});
