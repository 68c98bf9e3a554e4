// The console's bulk actions on jobs (lib/jobs/stop-jobs-in-batches.ts, resubmit-jobs.ts): a
// selection stopped in batches, a filter walked page by page and pinned to the moment the caller
// confirmed, refusals counted per job, and "submit again" for a selection or a filter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { builtinBackend } from "@/lib/backends/builtin";
import type { BatchBackend } from "@/lib/backends/types";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import { resubmitJobs, resubmitJobsInput } from "@/lib/jobs/resubmit-jobs";
import {
  stopJobsByFilter,
  stopJobsByFilterInput,
  stopSelectedJobs,
  stopSelectedJobsInput,
} from "@/lib/jobs/stop-jobs-in-batches";
import { submitJob } from "@/lib/jobs/submit-job";
import { clockPast } from "../helpers/clock";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";
import { seedDefinition, seedQueue } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("bulk job actions on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  /** The built-in backend, counting the ids each stopJobs call carried. */
  function counting() {
    const calls: number[] = [];
    const backend: BatchBackend = {
      ...builtinBackend,
      stopJobs: (ctx, ids, reason, kind, opts) => {
        calls.push(ids.length);
        return builtinBackend.stopJobs(ctx, ids, reason, kind, opts);
      },
    };
    return { backend, calls };
  }

  async function setup(name: string) {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, name);
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    await seedQueue(t.db, organizationId, { name: "q" });
    await seedDefinition(t.db, organizationId);
    const submit = (jobName: string, as = ctx) =>
      submitJob(as, parseInput(submitJobInput, { jobName, jobQueue: "q", jobDefinition: "def" }));
    const statuses = async (ids: string[]) =>
      (await t.db.job.findMany({ where: { id: { in: ids } }, select: { status: true } })).map((j) => j.status);
    return { organizationId, admin, ctx, submit, statuses };
  }

  it("stops a selection in batches, each id once", async () => {
    const { ctx, submit, statuses } = await setup("Bulk ids");
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push((await submit(`j${i}`)).jobId);
    const { backend, calls } = counting();
    const input = parseInput(stopSelectedJobsInput, { jobIds: [...ids, ids[0]], kind: "CANCEL", reason: "enough" });
    const outcome = await stopSelectedJobs(backend, ctx, input, 3);
    expect(outcome).toEqual({ stopped: 7, refused: 0 });
    expect(calls).toEqual([3, 3, 1]);
    expect(new Set(await statuses(ids))).toEqual(new Set(["FAILED"]));
  });

  it("stops what a filter matched when the caller confirmed, page by page, and counts refusals", async () => {
    const { organizationId, ctx, submit, statuses } = await setup("Bulk filter");
    const submitter = await createUser(t.db, `submitter-${organizationId}@example.com`);
    await addMembership(t.db, organizationId, submitter.id, "submitter");
    const asSubmitter = contextFor(t.db, organizationId, submitter, "submitter");
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push((await submit(`nightly-${i}`, asSubmitter)).jobId);
    const others = [(await submit("nightly-admin")).jobId];
    await submit("daily-0", asSubmitter);
    const asOf = Date.now();
    await clockPast(asOf);
    const later = (await submit("nightly-late", asSubmitter)).jobId;

    const { backend, calls } = counting();
    const input = parseInput(stopJobsByFilterInput, {
      filter: { name: "nightly" },
      asOf,
      kind: "CANCEL",
      reason: "bad night",
    });
    const outcome = await stopJobsByFilter(backend, asSubmitter, input, 2);
    expect(outcome.stopped).toBe(5);
    expect(outcome.refused).toBe(1);
    expect(outcome.message).toMatch(/only cancel jobs you submitted/);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(6);
    expect(Math.max(...calls)).toBeLessThanOrEqual(2);
    expect(new Set(await statuses(mine))).toEqual(new Set(["FAILED"]));
    expect(await statuses([...others, later])).toEqual(["RUNNABLE", "RUNNABLE"]);
    expect(ctx.organizationId).toBe(organizationId);
  });

  it("submits again a selection or a filter's jobs, and refuses a filter matching too many", async () => {
    const { ctx, submit } = await setup("Resubmit");
    const first = await submit("again-1");
    await submit("again-2");
    const bySelection = await resubmitJobs(
      builtinBackend,
      ctx,
      parseInput(resubmitJobsInput, { jobIds: [first.jobId] }),
    );
    expect(bySelection.submitted.map((s) => s.jobName)).toEqual(["again-1"]);
    expect(bySelection.submitted[0]?.jobId).not.toBe(first.jobId);
    const byFilter = await resubmitJobs(
      builtinBackend,
      ctx,
      parseInput(resubmitJobsInput, { filter: { name: "again" }, asOf: Date.now() }),
    );
    expect(byFilter.submitted.map((s) => s.jobName).sort()).toEqual(["again-1", "again-1", "again-2"]);
    expect(byFilter.failed).toEqual([]);
    await expect(
      resubmitJobs(
        { ...builtinBackend, resolveJobFilter: async () => ({ jobIds: Array(101).fill("x"), nextCursor: null }) },
        ctx,
        parseInput(resubmitJobsInput, { filter: {} }),
      ),
    ).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });
}, 120_000);
