import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { cancelJobsInput, submitJobInput } from "@/lib/batch/shapes/jobs";
import { describeJobs } from "@/lib/jobs/describe-jobs";
import { cancelJob, cancelJobs, terminateJob, terminateJobs } from "@/lib/jobs/stop-jobs";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";
import { forceStatus, seedDefinition, seedQueue } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("cancel and terminate on %s", (provider) => {
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
    const submitAs = async (c: typeof ctx, raw: Record<string, unknown>) =>
      submitJob(c, parseInput(submitJobInput, { jobQueue: "q", jobDefinition: "def", ...raw }));
    const submit = (raw: Record<string, unknown>) => submitAs(ctx, raw);
    const job = (id: string) => t.db.job.findUniqueOrThrow({ where: { id } });
    return { organizationId, admin, ctx, submit, submitAs, job };
  }

  it("cancels jobs not yet on a host and leaves running ones alone", async () => {
    const { organizationId, ctx, submit, job } = await setup("Cancel");
    const runnable = await submit({ jobName: "runnable" });
    const running = await submit({ jobName: "running" });
    const done = await submit({ jobName: "done" });
    await forceStatus(t.db, [running.jobId], "RUNNING");
    await forceStatus(t.db, [done.jobId], "SUCCEEDED");

    await cancelJob(ctx, { jobId: runnable.jobId, reason: "no longer needed" });
    const cancelled = await job(runnable.jobId);
    expect(cancelled).toMatchObject({
      status: "FAILED",
      statusReason: "no longer needed",
      stopRequest: "CANCEL",
      stopReason: "no longer needed",
    });
    expect(cancelled.stoppedAt).not.toBeNull();
    const { jobs } = await describeJobs(ctx, { jobs: [runnable.jobId] });
    expect(jobs[0]).toMatchObject({ isCancelled: true, isTerminated: false, statusReason: "no longer needed" });

    // AWS: CancelJob on STARTING/RUNNING succeeds and does nothing.
    await cancelJob(ctx, { jobId: running.jobId, reason: "stop" });
    expect(await job(running.jobId)).toMatchObject({ status: "RUNNING", stopRequest: null });
    await cancelJob(ctx, { jobId: done.jobId, reason: "stop" });
    expect(await job(done.jobId)).toMatchObject({ status: "SUCCEEDED", stopRequest: null });

    const audit = await t.db.auditEvent.findMany({ where: { organizationId, action: "job.cancel" } });
    expect(audit.map((a) => a.targetId).sort()).toEqual([runnable.jobId, running.jobId, done.jobId].sort());
  });

  it("fails the dependents of a cancelled job", async () => {
    const { ctx, submit, job } = await setup("Cascade");
    const first = await submit({ jobName: "first" });
    const second = await submit({ jobName: "second", dependsOn: [{ jobId: first.jobId }] });
    const third = await submit({ jobName: "third", dependsOn: [{ jobId: second.jobId }] });
    await cancelJob(ctx, { jobId: first.jobId, reason: "abort" });
    expect(await job(second.jobId)).toMatchObject({ status: "FAILED", statusReason: "Dependent Job failed" });
    expect(await job(third.jobId)).toMatchObject({ status: "FAILED", statusReason: "Dependent Job failed" });
  });

  it("terminates: running jobs get a stop request, the rest are cancelled", async () => {
    const { ctx, submit, job, organizationId } = await setup("Terminate");
    const runnable = await submit({ jobName: "runnable" });
    const starting = await submit({ jobName: "starting" });
    const running = await submit({ jobName: "running" });
    await forceStatus(t.db, [starting.jobId], "STARTING");
    await forceStatus(t.db, [running.jobId], "RUNNING");

    await terminateJob(ctx, { jobId: runnable.jobId, reason: "cleanup" });
    expect(await job(runnable.jobId)).toMatchObject({
      status: "FAILED",
      statusReason: "cleanup",
      stopRequest: "CANCEL",
    });
    const result = await terminateJobs(ctx, { jobs: [starting.jobId, running.jobId], reason: "cleanup" });
    expect(result).toEqual({ successful: [starting.jobId, running.jobId], errors: [] });
    for (const id of [starting.jobId, running.jobId]) {
      // The engine performs the kill and records FAILED; the API only asks.
      expect(await job(id)).toMatchObject({ stopRequest: "TERMINATE", stopReason: "cleanup" });
    }
    expect((await job(running.jobId)).status).toBe("RUNNING");
    const { jobs } = await describeJobs(ctx, { jobs: [running.jobId] });
    expect(jobs[0]).toMatchObject({ isTerminated: true, isCancelled: false });
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "job.terminate" } })).toBe(3);
  });

  it("cascades to an array's children; the parent settles once they are all finished", async () => {
    const { ctx, submit, job } = await setup("Arrays");
    const arr = await submit({ jobName: "arr", arrayProperties: { size: 3 } });
    await forceStatus(t.db, [`${arr.jobId}:0`], "RUNNING");
    await cancelJobs(ctx, { jobs: [arr.jobId], reason: "enough" });
    expect((await job(`${arr.jobId}:0`)).status).toBe("RUNNING");
    expect(await job(`${arr.jobId}:1`)).toMatchObject({ status: "FAILED", statusReason: "enough" });
    expect((await job(`${arr.jobId}:2`)).status).toBe("FAILED");
    expect(await job(arr.jobId)).toMatchObject({ status: "PENDING", stopRequest: "CANCEL" });

    await terminateJobs(ctx, { jobs: [arr.jobId], reason: "now" });
    expect(await job(`${arr.jobId}:0`)).toMatchObject({
      status: "RUNNING",
      stopRequest: "TERMINATE",
      stopReason: "now",
    });

    const small = await submit({ jobName: "small", arrayProperties: { size: 2 } });
    await cancelJob(ctx, { jobId: small.jobId, reason: "all of it" });
    expect(await job(small.jobId)).toMatchObject({ status: "FAILED", statusReason: "Array Child Job failed" });

    // A child can be cancelled on its own.
    const single = await submit({ jobName: "single", arrayProperties: { size: 2 } });
    await cancelJob(ctx, { jobId: `${single.jobId}:1`, reason: "just this one" });
    expect((await job(`${single.jobId}:1`)).status).toBe("FAILED");
    expect((await job(`${single.jobId}:0`)).status).toBe("RUNNABLE");
    expect((await job(single.jobId)).status).toBe("PENDING");
  });

  it("lets submitters stop only their own jobs, developers and admins anyone's", async () => {
    const { organizationId, ctx, submit, submitAs, job } = await setup("Perms");
    const sub = await createUser(t.db, `sub-${provider}@example.com`);
    await addMembership(t.db, organizationId, sub.id, "submitter");
    const subCtx = contextFor(t.db, organizationId, sub, "submitter");
    const dev = await createUser(t.db, `dev-${provider}@example.com`);
    await addMembership(t.db, organizationId, dev.id, "developer");
    const devCtx = contextFor(t.db, organizationId, dev, "developer");

    const mine = await submitAs(subCtx, { jobName: "mine" });
    const adminJob = await submit({ jobName: "admins" });
    const result = await cancelJobs(
      subCtx,
      parseInput(cancelJobsInput, { jobs: [mine.jobId, adminJob.jobId, "no-such-job"], reason: "r" }),
    );
    expect(result.successful).toEqual([mine.jobId, "no-such-job"]);
    expect(result.errors).toEqual([
      {
        job: adminJob.jobId,
        code: "ClientException",
        message: expect.stringMatching(/only cancel jobs you submitted/),
      },
    ]);
    expect((await job(mine.jobId)).status).toBe("FAILED");
    expect((await job(adminJob.jobId)).status).toBe("RUNNABLE");
    await expect(terminateJob(subCtx, { jobId: adminJob.jobId, reason: "r" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await job(adminJob.jobId)).stopRequest).toBeNull();

    await cancelJob(devCtx, { jobId: adminJob.jobId, reason: "dev" });
    expect((await job(adminJob.jobId)).status).toBe("FAILED");
    const another = await submitAs(subCtx, { jobName: "another" });
    await terminateJob(ctx, { jobId: another.jobId, reason: "admin" });
    expect((await job(another.jobId)).status).toBe("FAILED");
  });

  it("refuses bad requests and unknown single jobs", async () => {
    const { ctx } = await setup("Bad");
    await expect(cancelJob(ctx, { jobId: "nope", reason: "r" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(() =>
      parseInput(cancelJobsInput, { jobs: Array.from({ length: 51 }, (_, i) => `j${i}`), reason: "r" }),
    ).toThrow(/Maximum number of jobs supported is 50/);
    expect(() => parseInput(cancelJobsInput, { jobs: ["a"], reason: "" })).toThrow(/reason/);
    expect(() => parseInput(cancelJobsInput, { jobs: ["a"], reason: "x".repeat(1025) })).toThrow(/1024/);
  });

  it("never stops or describes another organization's jobs", async () => {
    const a = await setup("IsoA");
    const b = await setup("IsoB");
    const theirs = await b.submit({ jobName: "theirs" });
    const theirArray = await b.submit({ jobName: "theirs-arr", arrayProperties: { size: 2 } });
    expect(await cancelJobs(a.ctx, { jobs: [theirs.jobId, theirArray.jobId], reason: "x" })).toEqual({
      successful: [theirs.jobId, theirArray.jobId],
      errors: [],
    });
    await expect(terminateJob(a.ctx, { jobId: theirs.jobId, reason: "x" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await b.job(theirs.jobId)).status).toBe("RUNNABLE");
    expect((await b.job(`${theirArray.jobId}:0`)).status).toBe("RUNNABLE");
    expect((await describeJobs(a.ctx, { jobs: [theirs.jobId, theirArray.jobId] })).jobs).toEqual([]);
    expect(await t.db.auditEvent.count({ where: { organizationId: a.organizationId, action: "job.cancel" } })).toBe(0);
  });

  it("cancels and terminates a 10,000-child array", async () => {
    const { ctx, submit, job } = await setup("BigArray");
    const arr = await submit({ jobName: "big", arrayProperties: { size: 10_000 } });
    await forceStatus(t.db, [`${arr.jobId}:0`, `${arr.jobId}:9999`], "RUNNING");
    await terminateJobs(ctx, { jobs: [arr.jobId], reason: "too big" });
    expect(
      await t.db.job.count({ where: { arrayParentId: arr.jobId, status: "FAILED", statusReason: "too big" } }),
    ).toBe(9_998);
    expect(await t.db.job.count({ where: { arrayParentId: arr.jobId, stopRequest: "TERMINATE" } })).toBe(2);
    expect((await job(arr.jobId)).status).toBe("PENDING");
  });
}, 120_000);
