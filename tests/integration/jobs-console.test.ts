// The console's job queries beyond AWS's: why a job is not running yet (explainJob), a filter
// resolved to ids page by page for bulk actions, the count behind "Cancel 37 jobs?", and the
// downstream side of the dependency graph.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import { explainJob, type JobWaitReason } from "@/lib/jobs/explain-job";
import { listDependents } from "@/lib/jobs/list-dependents";
import { countJobsForConsole, listJobsForConsole, resolveJobFilter } from "@/lib/jobs/list-jobs";
import { stopJobs } from "@/lib/jobs/stop-jobs";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { forceStatus, seedDefinition, seedQueue } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("console job queries on %s", (provider) => {
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
    const queue = await seedQueue(t.db, organizationId, { name: "q" });
    const link = await t.db.jobQueueComputeEnvironment.findFirstOrThrow({ where: { jobQueueId: queue.id } });
    const environmentId = link.computeEnvironmentId;
    await seedDefinition(t.db, organizationId);
    const submit = async (raw: Record<string, unknown>) =>
      submitJob(ctx, parseInput(submitJobInput, { jobQueue: "q", jobDefinition: "def", ...raw }));
    const explain = (jobId: string) => explainJob(ctx, { jobId });
    const kinds = (reasons: JobWaitReason[]) => reasons.map((r) => r.kind);
    return { organizationId, ctx, queue, environmentId, submit, explain, kinds };
  }

  describe("explainJob", () => {
    it("names the dependency a PENDING job waits on, with its status", async () => {
      const { submit, explain } = await setup("Why dependency");
      const first = await submit({ jobName: "extract" });
      const second = await submit({ jobName: "load", dependsOn: [{ jobId: first.jobId }] });
      const why = await explain(second.jobId);
      expect(why.status).toBe("PENDING");
      expect(why.waiting).toBe(true);
      expect(why.reasons).toContainEqual({
        kind: "DEPENDENCY",
        jobs: [{ jobId: first.jobId, jobName: "extract", status: "RUNNABLE" }],
      });
      // A child of an array waits on what its parent depends on.
      const array = await submit({
        jobName: "fan-out",
        arrayProperties: { size: 2 },
        dependsOn: [{ jobId: first.jobId }],
      });
      const child = await explain(`${array.jobId}:1`);
      expect(child.status).toBe("PENDING");
      expect(child.reasons).toContainEqual({
        kind: "DEPENDENCY",
        jobs: [{ jobId: first.jobId, jobName: "extract", status: "RUNNABLE" }],
      });
    });

    it("says when no environment of the queue can ever hold the request", async () => {
      const { submit, explain, kinds } = await setup("Why never");
      const big = await submit({
        jobName: "huge",
        containerOverrides: { resourceRequirements: [{ type: "MEMORY", value: "65536" }] },
      });
      const why = await explain(big.jobId);
      expect(why.requested.memoryMiB).toBe(65536);
      const never = why.reasons.find((r) => r.kind === "NEVER_FITS");
      expect(never).toEqual({
        kind: "NEVER_FITS",
        environment: "q-ce",
        resources: [{ resource: "MEMORY", requested: 65536, max: 8192 }],
      });
      expect(kinds(why.reasons)).toContain("UNSATISFIABLE");
      expect(kinds(why.reasons)).not.toContain("NEXT");
    });

    it("reports the resource that is short now, with requested, free and max", async () => {
      const { submit, explain, environmentId, kinds } = await setup("Why short");
      const hog = await submit({ jobName: "hog" });
      await forceStatus(t.db, [hog.jobId], "RUNNING", {
        computeEnvironmentId: environmentId,
        vcpus: 4,
        memoryMiB: 1024,
      });
      const waiting = await submit({ jobName: "waiting" });
      const why = await explain(waiting.jobId);
      expect(why.reasons).toContainEqual({
        kind: "RESOURCE_SHORT",
        environment: "q-ce",
        resource: "VCPU",
        requested: 1,
        free: 0,
        max: 4,
      });
      expect(kinds(why.reasons)).not.toContain("UNSATISFIABLE");
      expect(kinds(why.reasons)).not.toContain("NEXT");
    });

    it("gives the job's place among the queue's RUNNABLE jobs, and says when it is next", async () => {
      const { submit, explain } = await setup("Why position");
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await submit({ jobName: `job-${i}` })).jobId);
      // Distinct creation times, so FIFO order is the submission order.
      for (const [i, id] of ids.entries()) await forceStatus(t.db, [id], "RUNNABLE", { createdAt: 1_000 + i });
      const last = await explain(ids[2]!);
      expect(last.reasons).toContainEqual({ kind: "POSITION", position: 3, runnable: 3, approximate: false });
      const first = await explain(ids[0]!);
      expect(first.reasons).toEqual([
        { kind: "POSITION", position: 1, runnable: 3, approximate: false },
        { kind: "NEXT" },
      ]);
      // The queue is FIFO: a higher scheduling priority does not go ahead of older jobs (AWS: it
      // counts only in fair-share queues).
      await forceStatus(t.db, [ids[2]!], "RUNNABLE", { schedulingPriority: 5 });
      expect((await explain(ids[2]!)).reasons).toContainEqual({
        kind: "POSITION",
        position: 3,
        runnable: 3,
        approximate: false,
      });
    });

    it("counts the place of a job behind the snapshot's front exactly on a FIFO queue", async () => {
      const { submit, explain } = await setup("Why deep");
      const array = await submit({ jobName: "many", arrayProperties: { size: 120 } });
      // Distinct creation times, so FIFO order is the index order.
      const ids = Array.from({ length: 120 }, (_, i) => `${array.jobId}:${i}`);
      for (const [i, id] of ids.entries()) await t.db.job.update({ where: { id }, data: { createdAt: 1_000 + i } });
      const last = ids[119] as string;
      // Its priority does not move it up a FIFO queue, behind the front either.
      await t.db.job.update({ where: { id: last }, data: { schedulingPriority: 9 } });
      expect((await explain(last)).reasons).toContainEqual({
        kind: "POSITION",
        position: 120,
        runnable: 120,
        approximate: false,
      });
      // Nor does the higher priority of a job behind it put it ahead of one in the middle.
      const middle = ids[110] as string;
      expect((await explain(middle)).reasons).toContainEqual({
        kind: "POSITION",
        position: 111,
        runnable: 120,
        approximate: false,
      });
    });

    it("reports a disabled queue and a disabled environment", async () => {
      const { submit, explain, queue, environmentId, kinds } = await setup("Why disabled");
      const job = await submit({ jobName: "stuck" });
      await t.db.jobQueue.update({ where: { id: queue.id }, data: { state: "DISABLED" } });
      await t.db.computeEnvironment.update({ where: { id: environmentId }, data: { state: "DISABLED" } });
      const why = await explain(job.jobId);
      expect(why.reasons).toContainEqual({ kind: "QUEUE_DISABLED", queue: "q" });
      expect(why.reasons).toContainEqual({ kind: "ENVIRONMENT_DISABLED", environment: "q-ce" });
      expect(kinds(why.reasons)).not.toContain("NEXT");
    });

    it("explains an array parent by its children, and has nothing to say about finished jobs", async () => {
      const { submit, explain } = await setup("Why array");
      const array = await submit({ jobName: "arr", arrayProperties: { size: 3 } });
      const why = await explain(array.jobId);
      expect(why.reasons).toContainEqual({ kind: "ARRAY_CHILDREN", size: 3, summary: { RUNNABLE: 3 } });
      const done = await submit({ jobName: "done" });
      await forceStatus(t.db, [done.jobId], "SUCCEEDED");
      expect(await explain(done.jobId)).toMatchObject({
        status: "SUCCEEDED",
        waiting: false,
        submittedByCaller: true,
        reasons: [],
      });
    });

    it("treats another organization's job as not found", async () => {
      const { submit } = await setup("Why owner");
      const job = await submit({ jobName: "mine" });
      const other = await setup("Why other");
      await expect(other.explain(job.jobId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  });

  describe("bulk by filter", () => {
    it("resolves a filter to every matching id, page by page, and counts them", async () => {
      const { ctx, submit } = await setup("Bulk filter");
      const matching: string[] = [];
      for (let i = 0; i < 7; i++) matching.push((await submit({ jobName: `nightly-${i}` })).jobId);
      await submit({ jobName: "other" });
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await resolveJobFilter(ctx, { name: "nightly*", status: "RUNNABLE", cursor, limit: 3 });
        expect(page.jobIds.length).toBeLessThanOrEqual(3);
        ids.push(...page.jobIds);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(ids).size).toBe(7);
      expect([...ids].sort()).toEqual([...matching].sort());
      expect(await countJobsForConsole(ctx, { name: "nightly*", status: "RUNNABLE" })).toEqual({
        count: 7,
        capped: false,
      });
      expect(await countJobsForConsole(ctx, { name: "nightly*" }, 5)).toEqual({ count: 5, capped: true });
      expect(await countJobsForConsole(ctx, { definition: "missing" })).toEqual({ count: 0, capped: false });

      // Cancelling page by page while the status filter still matches: the keyset cursor moves
      // on even though cancelled jobs leave the filter.
      cursor = undefined;
      do {
        const page = await resolveJobFilter(ctx, { name: "nightly*", status: "RUNNABLE", cursor, limit: 3 });
        await stopJobs(ctx, page.jobIds, "bulk", "CANCEL");
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(await countJobsForConsole(ctx, { name: "nightly*", status: "RUNNABLE" })).toEqual({
        count: 0,
        capped: false,
      });
      expect(await countJobsForConsole(ctx, { name: "other", status: "RUNNABLE" })).toEqual({
        count: 1,
        capped: false,
      });
    });
  });

  describe("console list", () => {
    it("pages back and forth with cursors, and sums array children per parent", async () => {
      const { ctx, submit } = await setup("Console pages");
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await submit({ jobName: `p-${i}` })).jobId);
      for (const [i, id] of ids.entries()) await t.db.job.update({ where: { id }, data: { createdAt: 1_000 + i } });
      const newestFirst = [...ids].reverse();
      const one = await listJobsForConsole(ctx, { status: "ALL", limit: 2 });
      expect(one.jobs.map((j) => j.jobId)).toEqual(newestFirst.slice(0, 2));
      expect(one.prevCursor).toBeNull();
      const two = await listJobsForConsole(ctx, { status: "ALL", limit: 2, cursor: one.nextCursor ?? "" });
      expect(two.jobs.map((j) => j.jobId)).toEqual(newestFirst.slice(2, 4));
      const three = await listJobsForConsole(ctx, { status: "ALL", limit: 2, cursor: two.nextCursor ?? "" });
      expect(three.jobs.map((j) => j.jobId)).toEqual(newestFirst.slice(4));
      expect(three.nextCursor).toBeNull();
      const back = await listJobsForConsole(ctx, { status: "ALL", limit: 2, before: three.prevCursor ?? "" });
      expect(back.jobs.map((j) => j.jobId)).toEqual(newestFirst.slice(2, 4));
      const first = await listJobsForConsole(ctx, { status: "ALL", limit: 2, before: back.prevCursor ?? "" });
      expect(first.jobs.map((j) => j.jobId)).toEqual(newestFirst.slice(0, 2));
      expect(first.prevCursor).toBeNull();
      expect(first.nextCursor).not.toBeNull();
      expect(first.jobs.every((j) => j.submittedByCaller)).toBe(true);

      const array = await submit({ jobName: "arr", arrayProperties: { size: 3 } });
      await forceStatus(t.db, [`${array.jobId}:0`], "SUCCEEDED");
      const listed = await listJobsForConsole(ctx, { name: "arr", limit: 10 });
      expect(listed.jobs[0]?.statusSummary).toEqual({ SUCCEEDED: 1, RUNNABLE: 2 });
    });
  });

  describe("listDependents", () => {
    it("lists the jobs that depend on a job, and an N_TO_N array as one dependent", async () => {
      const { ctx, submit } = await setup("Downstream");
      const root = await submit({ jobName: "root" });
      const b = await submit({ jobName: "b", dependsOn: [{ jobId: root.jobId }] });
      const c = await submit({ jobName: "c", dependsOn: [{ jobId: root.jobId }] });
      await submit({ jobName: "unrelated" });
      const found = await listDependents(ctx, { jobId: root.jobId });
      expect(found.more).toBe(false);
      expect(found.dependents.map((d) => d.jobId).sort()).toEqual([b.jobId, c.jobId].sort());
      expect(found.dependents.every((d) => d.status === "PENDING")).toBe(true);

      const p = await submit({ jobName: "p", arrayProperties: { size: 2 } });
      const q = await submit({
        jobName: "q",
        arrayProperties: { size: 2 },
        dependsOn: [{ jobId: p.jobId, type: "N_TO_N" }],
      });
      const arrays = await listDependents(ctx, { jobId: p.jobId });
      expect(arrays.dependents).toEqual([{ jobId: q.jobId, jobName: "q", status: "PENDING", type: "N_TO_N" }]);
      expect((await listDependents(ctx, { jobId: b.jobId })).dependents).toEqual([]);

      const other = await setup("Downstream other");
      expect((await listDependents(other.ctx, { jobId: root.jobId })).dependents).toEqual([]);
    });
  });
});
