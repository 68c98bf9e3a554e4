// The console's job list beyond newest first (issue 15): the other orders page through the
// whole list with the keyset cursor both ways, a job id finds that one job (an array child
// too), the search box's name start, "My jobs", and the columns' attempts and submitter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import type { JobSort } from "@/lib/jobs/console-filter";
import { listJobsForConsole } from "@/lib/jobs/list-jobs";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { seedDefinition, seedQueue } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("the console's job list orders and search on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  async function setup(name: string) {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, name);
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    await seedQueue(t.db, organizationId, { name: "q" });
    await seedDefinition(t.db, organizationId);
    const submit = async (raw: Record<string, unknown>) =>
      submitJob(ctx, parseInput(submitJobInput, { jobQueue: "q", jobDefinition: "def", ...raw }));
    return { ctx, submit, admin };
  }

  /** Every page of an order, forward, then back from the last page to the first. */
  async function walk(ctx: Parameters<typeof listJobsForConsole>[0], sort: JobSort) {
    const forward: string[][] = [];
    let cursor: string | undefined;
    let last: Awaited<ReturnType<typeof listJobsForConsole>> | undefined;
    do {
      last = await listJobsForConsole(ctx, { status: "ALL", sort, limit: 2, ...(cursor ? { cursor } : {}) });
      forward.push(last.jobs.map((j) => j.jobName));
      cursor = last.nextCursor ?? undefined;
    } while (cursor);
    const backward: string[][] = [];
    let before = last.prevCursor ?? undefined;
    while (before) {
      const page = await listJobsForConsole(ctx, { status: "ALL", sort, limit: 2, before });
      backward.unshift(page.jobs.map((j) => j.jobName));
      before = page.prevCursor ?? undefined;
    }
    return { forward: forward.flat(), backward: [...backward.flat(), ...(forward.at(-1) ?? [])] };
  }

  it("pages every order through the whole list, forward and back", async () => {
    const { ctx, submit } = await setup("Orders");
    const names = ["delta", "alpha", "echo", "charlie", "bravo"];
    const ids: string[] = [];
    for (const jobName of names) ids.push((await submit({ jobName })).jobId);
    for (const [i, id] of ids.entries()) await t.db.job.update({ where: { id }, data: { createdAt: 1_000 + i } });

    const expected: Record<JobSort, string[]> = {
      newest: [...names].reverse(),
      oldest: names,
      name: [...names].sort(),
      "name-desc": [...names].sort().reverse(),
    };
    for (const [sort, order] of Object.entries(expected) as [JobSort, string[]][]) {
      const { forward, backward } = await walk(ctx, sort);
      expect(forward, sort).toEqual(order);
      expect(backward, sort).toEqual(order);
    }
    // A cursor of one order does not page another.
    const byTime = await listJobsForConsole(ctx, { status: "ALL", limit: 2 });
    await expect(
      listJobsForConsole(ctx, { status: "ALL", sort: "name", limit: 2, cursor: byTime.nextCursor ?? "" }),
    ).rejects.toThrow(/another order/);
  });

  it("finds one job by id, an array child too, and narrows to a name start and to the caller's jobs", async () => {
    const { ctx, submit, admin } = await setup("Search");
    const single = await submit({ jobName: "Nightly-load", retryStrategy: { attempts: 3 } });
    const array = await submit({ jobName: "fan", arrayProperties: { size: 3 } });
    const found = await listJobsForConsole(ctx, { status: "ALL", jobId: single.jobId, limit: 50 });
    expect(found.jobs.map((j) => j.jobId)).toEqual([single.jobId]);
    expect(found.jobs[0]).toMatchObject({ attempts: 0, attemptsAllowed: 3, submittedByCaller: true });
    const user = await t.db.user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(found.jobs[0]?.submittedBy).toBe(user.name);
    const child = await listJobsForConsole(ctx, { status: "ALL", jobId: `${array.jobId}:2`, limit: 50 });
    expect(child.jobs.map((j) => j.jobId)).toEqual([`${array.jobId}:2`]);
    expect((await listJobsForConsole(ctx, { jobId: "nope", limit: 50 })).jobs).toEqual([]);

    const byPrefix = await listJobsForConsole(ctx, { status: "ALL", namePrefix: "nightly", limit: 50 });
    expect(byPrefix.jobs.map((j) => j.jobId)).toEqual([single.jobId]);
    // "_" and "%" are name characters, not wildcards.
    expect((await listJobsForConsole(ctx, { status: "ALL", namePrefix: "n%", limit: 50 })).jobs).toEqual([]);

    const mine = await listJobsForConsole(ctx, { status: "ALL", submittedBy: ctx.user.id, limit: 50 });
    expect(mine.jobs).toHaveLength(2);
    expect((await listJobsForConsole(ctx, { status: "ALL", submittedBy: "someone-else", limit: 50 })).jobs).toEqual([]);
  });
});
