import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { type ListJobsInput, listJobsInput, submitJobInput } from "@/lib/batch/shapes/jobs";
import { listJobs, listJobsForConsole } from "@/lib/jobs/list-jobs";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { forceStatus, seedDefinition, seedQueue, seedSchedulingPolicy } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("job listing on %s", (provider) => {
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
    const q1 = await seedQueue(t.db, organizationId, { name: "q1" });
    const q2 = await seedQueue(t.db, organizationId, { name: "q2" });
    const d1 = await seedDefinition(t.db, organizationId, { name: "render" });
    const d1b = await seedDefinition(t.db, organizationId, { name: "render" });
    const d2 = await seedDefinition(t.db, organizationId, { name: "train" });
    const submit = async (raw: Record<string, unknown>) =>
      submitJob(ctx, parseInput(submitJobInput, { jobQueue: "q1", jobDefinition: "render", ...raw }));
    const list = async (raw: Record<string, unknown>) => listJobs(ctx, parseInput(listJobsInput, raw));
    return { organizationId, ctx, q1, q2, d1, d1b, d2, submit, list };
  }

  /** Follows nextToken to the end and returns every job id in page order. */
  async function allPages(
    list: (raw: Record<string, unknown>) => ReturnType<typeof listJobs>,
    raw: Partial<ListJobsInput>,
  ) {
    const ids: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await list({ ...raw, ...(nextToken ? { nextToken } : {}) });
      ids.push(...page.jobSummaryList.map((j) => j.jobId));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 100);
    return { ids, pages };
  }

  it("pages a queue newest first with no duplicates and no gaps, even while jobs arrive", async () => {
    const { organizationId, submit, list } = await setup("Pages");
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await submit({ jobName: `job-${i}` })).jobId);
    // Several jobs share a createdAt so the id tie-break is exercised.
    await t.db.job.updateMany({ where: { id: { in: ids.slice(0, 10) } }, data: { createdAt: 1_000 } });
    await forceStatus(t.db, ids, "RUNNING");
    const expected = (
      await t.db.job.findMany({
        where: { organizationId, status: "RUNNING" },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { id: true },
      })
    ).map((r) => r.id);

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await list({ jobQueue: "q1", maxResults: 4, ...(nextToken ? { nextToken } : {}) });
      expect(page.jobSummaryList.length).toBeLessThanOrEqual(4);
      seen.push(...page.jobSummaryList.map((j) => j.jobId));
      nextToken = page.nextToken;
      pages++;
      // New work arriving between pages sorts before the cursor and must not disturb it.
      const late = await submit({ jobName: `late-${pages}` });
      await forceStatus(t.db, [late.jobId], "RUNNING");
    } while (nextToken);
    expect(pages).toBe(6);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("lists RUNNING by default, one status when asked, and the summary fields", async () => {
    const { submit, list, d1b, ctx } = await setup("Status");
    const a = await submit({ jobName: "a" });
    const b = await submit({ jobName: "b" });
    expect((await list({ jobQueue: "q1" })).jobSummaryList).toEqual([]);
    await forceStatus(t.db, [a.jobId], "RUNNING", { startedAt: 5_000n });
    await forceStatus(t.db, [b.jobId], "FAILED", { exitCode: 3, stoppedAt: 6_000n, statusReason: "boom" });
    const running = await list({ jobQueue: "q1" });
    expect(running.jobSummaryList.map((j) => j.jobId)).toEqual([a.jobId]);
    expect(running.nextToken).toBeUndefined();
    const failed = await list({ jobQueue: "q1", jobStatus: "FAILED" });
    expect(failed.jobSummaryList).toEqual([
      expect.objectContaining({
        jobId: b.jobId,
        jobArn: b.jobArn,
        jobName: "b",
        jobDefinition: d1b.arn,
        status: "FAILED",
        statusReason: "boom",
        stoppedAt: 6_000,
        container: { exitCode: 3 },
      }),
    ]);
    expect(typeof failed.jobSummaryList[0]?.createdAt).toBe("number");
    expect((await list({ jobQueue: "q2", jobStatus: "FAILED" })).jobSummaryList).toEqual([]);
    expect((await listJobs(ctx, { multiNodeJobId: "x" })).jobSummaryList).toEqual([]);
  });

  it("applies filters across statuses and ignores jobStatus then", async () => {
    const { submit, list, d1, d2 } = await setup("Filters");
    const r1 = await submit({ jobName: "Render-One", jobDefinition: "render:1" });
    const r2 = await submit({ jobName: "render-two" });
    const tr = await submit({ jobName: "train_it", jobDefinition: "train" });
    const other = await submit({ jobName: "renderx", jobQueue: "q2" });
    await t.db.job.update({ where: { id: r1.jobId }, data: { createdAt: 1_000 } });
    await t.db.job.update({ where: { id: r2.jobId }, data: { createdAt: 2_000 } });
    await t.db.job.update({ where: { id: tr.jobId }, data: { createdAt: 3_000 } });
    await forceStatus(t.db, [r2.jobId], "SUCCEEDED");
    const names = async (filter: { name: string; values: string[] }, extra: Record<string, unknown> = {}) =>
      (await list({ jobQueue: "q1", filters: [filter], ...extra })).jobSummaryList.map((j) => j.jobName);

    expect(await names({ name: "JOB_NAME", values: ["render-one"] })).toEqual(["Render-One"]);
    expect(await names({ name: "JOB_NAME", values: ["RENDER*"] }, { jobStatus: "RUNNING" })).toEqual([
      "render-two",
      "Render-One",
    ]);
    expect(await names({ name: "JOB_NAME", values: ["render"] })).toEqual([]);
    // `_` in a name is a literal, not LIKE's single-character wildcard.
    expect(await names({ name: "JOB_NAME", values: ["train_*"] })).toEqual(["train_it"]);
    expect(await names({ name: "JOB_NAME", values: ["trainXit"] })).toEqual([]);
    expect(await names({ name: "JOB_DEFINITION", values: ["render"] })).toEqual(["render-two", "Render-One"]);
    expect(await names({ name: "JOB_DEFINITION", values: [d1.arn] })).toEqual(["Render-One"]);
    expect(await names({ name: "JOB_DEFINITION", values: ["tr*"] })).toEqual(["train_it"]);
    // "_" is a name character, not a wildcard; and the prefix's case counts.
    expect(await names({ name: "JOB_DEFINITION", values: ["tra_n*"] })).toEqual([]);
    expect(await names({ name: "JOB_DEFINITION", values: ["TR*"] })).toEqual([]);
    expect(await names({ name: "JOB_DEFINITION", values: [d2.arn.replace(/:1$/, ":7")] })).toEqual([]);
    expect(await names({ name: "AFTER_CREATED_AT", values: ["1000"] })).toEqual(["render-two", "train_it"].reverse());
    expect(await names({ name: "BEFORE_CREATED_AT", values: ["3000"] })).toEqual(["render-two", "Render-One"]);
    expect(other.jobId).toBeTruthy();

    const paged = await allPages(list, {
      jobQueue: "q1",
      filters: [{ name: "AFTER_CREATED_AT", values: ["0"] }],
      maxResults: 1,
    });
    expect(paged.ids).toEqual([tr.jobId, r2.jobId, r1.jobId]);
    expect(paged.pages).toBe(3);
  });

  it("filters by share identifier together with the status", async () => {
    const { organizationId, ctx } = await setup("Share");
    const policy = await seedSchedulingPolicy(t.db, organizationId);
    await seedQueue(t.db, organizationId, { name: "fair", schedulingPolicyId: policy.id });
    const submitFair = (name: string, share: string) =>
      submitJob(
        ctx,
        parseInput(submitJobInput, { jobName: name, jobQueue: "fair", jobDefinition: "train", shareIdentifier: share }),
      );
    const a = await submitFair("a", "teamA");
    await submitFair("b", "teamB");
    const c = await submitFair("c", "teamA");
    await forceStatus(t.db, [c.jobId], "RUNNING");
    const runnableA = await listJobs(
      ctx,
      parseInput(listJobsInput, {
        jobQueue: "fair",
        jobStatus: "RUNNABLE",
        filters: [{ name: "SHARE_IDENTIFIER", values: ["teamA"] }],
      }),
    );
    expect(runnableA.jobSummaryList.map((j) => [j.jobId, j.shareIdentifier])).toEqual([[a.jobId, "teamA"]]);
  });

  it("lists an array's children in index order, page by page", async () => {
    const { submit, list } = await setup("Children");
    const arr = await submit({ jobName: "arr", arrayProperties: { size: 7 } });
    const paged = await allPages(list, { arrayJobId: arr.jobId, jobStatus: "RUNNABLE", maxResults: 3 });
    expect(paged.ids).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `${arr.jobId}:${i}`));
    expect(paged.pages).toBe(3);
    const first = await list({ arrayJobId: arr.jobId, jobStatus: "RUNNABLE", maxResults: 1 });
    expect(first.jobSummaryList[0]?.arrayProperties).toEqual({ index: 0 });
    // Filters do not reach array children at the queue level.
    const filtered = await list({ jobQueue: "q1", filters: [{ name: "JOB_NAME", values: ["arr"] }] });
    expect(filtered.jobSummaryList.map((j) => [j.jobId, j.arrayProperties])).toEqual([[arr.jobId, { size: 7 }]]);
  });

  it("refuses malformed requests", async () => {
    const { list } = await setup("Malformed");
    await expect(list({})).rejects.toMatchObject({ code: "INVALID_INPUT", message: /Exactly one of/ });
    await expect(list({ jobQueue: "q1", arrayJobId: "x" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(list({ jobQueue: "q1", maxResults: 1001 })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(list({ jobQueue: "q1", jobStatus: "DONE" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(list({ jobQueue: "q1", nextToken: "garbage" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(
      list({ jobQueue: "q1", filters: [{ name: "BEFORE_CREATED_AT", values: ["yesterday"] }] }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(list({ jobQueue: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("gives the console every queue, any status, with filters and a cursor", async () => {
    const { ctx, submit, q2 } = await setup("Console");
    const a = await submit({ jobName: "alpha" });
    const b = await submit({ jobName: "beta", jobQueue: "q2", jobDefinition: "train" });
    const arr = await submit({ jobName: "gamma", arrayProperties: { size: 3 } });
    await forceStatus(t.db, [a.jobId], "SUCCEEDED");

    const all = await listJobsForConsole(ctx, { status: "ALL", limit: 50 });
    expect(all.jobs.map((j) => j.jobId).sort()).toEqual([a.jobId, b.jobId, arr.jobId].sort());
    expect(all.nextCursor).toBeNull();
    expect(all.jobs.find((j) => j.jobId === b.jobId)?.jobQueue).toBe(q2.arn);

    expect((await listJobsForConsole(ctx, { queue: q2.id, limit: 50 })).jobs.map((j) => j.jobId)).toEqual([b.jobId]);
    expect((await listJobsForConsole(ctx, { status: "SUCCEEDED", limit: 50 })).jobs.map((j) => j.jobId)).toEqual([
      a.jobId,
    ]);
    expect((await listJobsForConsole(ctx, { name: "AL*", limit: 50 })).jobs.map((j) => j.jobId)).toEqual([a.jobId]);
    expect((await listJobsForConsole(ctx, { definition: "train", limit: 50 })).jobs.map((j) => j.jobId)).toEqual([
      b.jobId,
    ]);
    const children = await listJobsForConsole(ctx, { arrayJobId: arr.jobId, limit: 2 });
    expect(children.jobs.map((j) => j.arrayProperties?.index)).toEqual([0, 1]);
    const rest = await listJobsForConsole(ctx, { arrayJobId: arr.jobId, limit: 2, cursor: children.nextCursor ?? "" });
    expect(rest.jobs.map((j) => j.arrayProperties?.index)).toEqual([2]);
    expect(rest.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listJobsForConsole(ctx, { status: "ALL", limit: 1, cursor });
      seen.push(...page.jobs.map((j) => j.jobId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.jobs.map((j) => j.jobId));
  });

  it("never lists another organization's jobs", async () => {
    const a = await setup("IsoA");
    const b = await setup("IsoB");
    const theirs = await b.submit({ jobName: "theirs", arrayProperties: { size: 2 } });
    await forceStatus(t.db, [`${theirs.jobId}:0`], "RUNNING");
    await expect(a.list({ jobQueue: b.q1.arn })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await a.list({ arrayJobId: theirs.jobId, jobStatus: "RUNNABLE" })).jobSummaryList).toEqual([]);
    expect((await listJobsForConsole(a.ctx, { status: "ALL", limit: 100 })).jobs).toEqual([]);
    expect((await listJobsForConsole(a.ctx, { queue: b.q1.id, status: "ALL", limit: 100 })).jobs).toEqual([]);
    expect((await listJobsForConsole(a.ctx, { arrayJobId: theirs.jobId, limit: 100 })).jobs).toEqual([]);
  });
}, 120_000);
