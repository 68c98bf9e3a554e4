// Schedules fire each slot exactly once, whatever happens to the engines firing them: two clocks
// (a leader and its successor) on one database, a clock that stopped between claiming a slot and
// recording its job, downtime under both missed-fire policies, an overlap policy, a deleted queue,
// and an at() schedule deleted after its fire. The clock is driven with explicit times; the jobs
// are submitted through the real built-in backend, on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScheduleClock } from "@/engine/schedule-clock";
import type { OrgContext } from "@/lib/auth/context";
import { backendFireDeps } from "@/lib/automation/fire-deps";
import { FIRE_TAG, SCHEDULE_TAG } from "@/lib/automation/schedule-fire";
import { createSchedule, getSchedule, listScheduleFires, type ScheduleInput } from "@/lib/automation/schedules";
import { newId } from "@/lib/ids";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { forceStatus, seedDefinition, seedQueue } from "../helpers/job-fixtures";

const MIN = 60_000;
// A Monday, 09:00:00 UTC, in the past (a recovered fire looks for its job among those created
// since the fire). Every schedule is created at T0.
const T0 = Date.parse("2026-03-02T09:00:00Z");

describe.each(PROVIDERS)("schedules on %s", (provider) => {
  let t: TestDatabase;
  let ctx: OrgContext;
  let n = 0;
  beforeAll(async () => {
    t = await freshDatabase(provider);
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Acme");
    ctx = contextFor(t.db, organizationId, admin, "admin");
    await seedQueue(t.db, organizationId, { name: "q" });
    await seedDefinition(t.db, organizationId, { name: "nightly" });
  });
  afterAll(async () => {
    await t.close();
  });

  const clock = () => new ScheduleClock(backendFireDeps(t.db));

  async function schedule(overrides: Partial<ScheduleInput> = {}) {
    const name = `s${++n}`;
    await createSchedule(
      ctx,
      {
        name,
        expression: "rate(5 minutes)",
        target: { jobName: `job-${name}`, jobQueue: "q", jobDefinition: "nightly" },
        ...overrides,
      },
      T0,
    );
    const row = await t.db.schedule.findFirstOrThrow({ where: { organizationId: ctx.organizationId, name } });
    return row;
  }

  const jobsOf = async (arn: string) =>
    (await t.db.job.findMany({ where: { organizationId: ctx.organizationId } })).filter(
      (j) => (JSON.parse(j.tags) as Record<string, string>)[SCHEDULE_TAG] === arn,
    );

  it("fires a slot once, however many engines tick at it", async () => {
    const s = await schedule();
    expect(Number(s.nextFireAt)).toBe(T0 + 5 * MIN);
    const [leader, successor] = [clock(), clock()];
    expect(await leader.tick(T0 + 5 * MIN - 1)).toEqual([]);
    const fired = await leader.tick(T0 + 5 * MIN);
    expect(fired).toEqual([expect.objectContaining({ status: "SUBMITTED" })]);
    // The successor read the schedule before the leader moved it on: the slot's row refuses it.
    await t.db.schedule.update({ where: { id: s.id }, data: { nextFireAt: BigInt(T0 + 5 * MIN) } });
    expect(await successor.tick(T0 + 5 * MIN + 500)).toEqual([]);
    const jobs = await jobsOf(s.arn);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.name).toBe(`job-${s.name}`);
    const view = await getSchedule(ctx, { name: s.name });
    expect(view.nextFireAt).toBe(T0 + 10 * MIN);
    expect(view.lastFire).toMatchObject({ status: "SUBMITTED", jobId: jobs[0]!.id, slot: T0 + 5 * MIN });
    // The next slot goes to whoever leads then, once.
    await successor.tick(T0 + 10 * MIN);
    await leader.tick(T0 + 10 * MIN);
    expect(await jobsOf(s.arn)).toHaveLength(2);
  });

  it("finishes a fire whose engine stopped after claiming it, without a second job", async () => {
    const s = await schedule();
    const slot = T0 + 5 * MIN;
    // Stopped before submitting: the claim alone.
    const beforeSubmit = newId();
    await t.db.scheduleFire.create({
      data: {
        id: beforeSubmit,
        scheduleId: s.id,
        organizationId: s.organizationId,
        slot: BigInt(slot),
        status: "FIRING",
        firedAt: BigInt(slot),
      },
    });
    // Stopped after submitting: the claim and its job, not yet recorded.
    const afterSubmit = newId();
    await t.db.scheduleFire.create({
      data: {
        id: afterSubmit,
        scheduleId: s.id,
        organizationId: s.organizationId,
        slot: BigInt(slot + 1),
        status: "FIRING",
        firedAt: BigInt(slot),
      },
    });
    const deps = backendFireDeps(t.db);
    const { jobId } = await deps.submit(ctx, {
      jobName: "already",
      jobQueue: "q",
      jobDefinition: "nightly",
      tags: { [SCHEDULE_TAG]: s.arn, [FIRE_TAG]: afterSubmit },
    });
    await t.db.schedule.update({ where: { id: s.id }, data: { nextFireAt: BigInt(T0 + 10 * MIN) } });

    // Not yet: the engine that claimed them may still be submitting.
    expect(await clock().tick(slot + 60_000)).toEqual([]);
    const recovered = await clock().tick(slot + 3 * MIN);
    expect(recovered).toHaveLength(2);
    const fires = await listScheduleFires(ctx, { name: s.name });
    expect(fires.find((f) => f.id === afterSubmit)).toMatchObject({ status: "SUBMITTED", jobId });
    expect(fires.find((f) => f.id === beforeSubmit)).toMatchObject({ status: "SUBMITTED" });
    expect(await jobsOf(s.arn)).toHaveLength(2);
  });

  it("after downtime runs the latest missed slot once, or skips it, as the schedule says", async () => {
    const latest = await schedule({ missedFirePolicy: "LATEST" });
    const skip = await schedule({ missedFirePolicy: "SKIP" });
    // The engine comes back 32 minutes later: slots at +5 … +30 were missed.
    // (The earlier tests' schedules are due too; each schedule's history says what it did.)
    await clock().tick(T0 + 32 * MIN);
    const latestFires = await listScheduleFires(ctx, { name: latest.name });
    expect(latestFires).toEqual([expect.objectContaining({ status: "SUBMITTED", slot: T0 + 30 * MIN })]);
    const skipFires = await listScheduleFires(ctx, { name: skip.name });
    expect(skipFires).toEqual([expect.objectContaining({ status: "SKIPPED", slot: T0 + 30 * MIN })]);
    expect(skipFires[0]!.reason).toContain("6 slots");
    expect(await jobsOf(skip.arn)).toHaveLength(0);
    expect(await jobsOf(latest.arn)).toHaveLength(1);
    expect((await getSchedule(ctx, { name: skip.name })).nextFireAt).toBe(T0 + 35 * MIN);
  });

  it("skips a fire while the previous fire's job is unfinished, under the overlap policy", async () => {
    const s = await schedule({ overlapPolicy: "SKIP" });
    const c = clock();
    await c.tick(T0 + 5 * MIN);
    const [job] = await jobsOf(s.arn);
    const second = await c.tick(T0 + 10 * MIN);
    expect(second).toEqual([expect.objectContaining({ status: "SKIPPED" })]);
    expect((second[0] as { reason: string }).reason).toContain(job!.id);
    await forceStatus(t.db, [job!.id], "SUCCEEDED");
    expect(await c.tick(T0 + 15 * MIN)).toEqual([expect.objectContaining({ status: "SUBMITTED" })]);
    expect(await jobsOf(s.arn)).toHaveLength(2);
  });

  it("records a fire whose queue is gone as failed, and keeps the schedule going", async () => {
    const s = await schedule({ target: { jobName: "j", jobQueue: "deleted-queue", jobDefinition: "nightly" } });
    const c = clock();
    const [fire] = await c.tick(T0 + 5 * MIN);
    expect(fire).toMatchObject({ status: "FAILED" });
    expect((fire as { reason: string }).reason).toMatch(/deleted-queue/);
    const view = await getSchedule(ctx, { name: s.name });
    expect(view.lastFire).toMatchObject({ status: "FAILED" });
    expect(view.nextFireAt).toBe(T0 + 10 * MIN);
  });

  it("fires an at() schedule once and deletes it when asked to", async () => {
    const s = await schedule({
      expression: "at(2026-03-02T10:30:00)",
      timezone: "Europe/Paris",
      actionAfterCompletion: "DELETE",
    });
    // 10:30 in Paris is 09:30 UTC.
    expect(Number(s.nextFireAt)).toBe(T0 + 30 * MIN);
    await clock().tick(T0 + 30 * MIN);
    expect(await jobsOf(s.arn)).toHaveLength(1);
    expect(await t.db.schedule.findUnique({ where: { id: s.id } })).toBeNull();
  });

  it("refuses a bad expression, a bad time zone and a submitter, with a clear error", async () => {
    await expect(schedule({ expression: "cron(0 10 * * *)" })).rejects.toThrow(/6 fields/);
    await expect(schedule({ timezone: "Mars/Olympus" })).rejects.toThrow(/Mars\/Olympus/);
    const submitter = { ...ctx, role: "submitter" as const };
    await expect(
      createSchedule(submitter, {
        name: "nope",
        expression: "rate(1 hour)",
        target: { jobName: "j", jobQueue: "q", jobDefinition: "nightly" },
      }),
    ).rejects.toThrow(/role/);
    expect(await t.db.schedule.count({ where: { name: "nope" } })).toBe(0);
  });
});
