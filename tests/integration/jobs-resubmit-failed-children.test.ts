// "Submit failed children again" (issue 15) against real databases and the real engine: an array
// of 6 whose children 1 and 4 fail (the command fails on their AWS_BATCH_JOB_ARRAY_INDEX) gives a
// new array of exactly those two children, indexes 1 and 4, with the original's definition
// revision, queue, parameters, overrides, retry strategy and timeout; run, each child sees its
// own index again. Its summary, child listing, DescribeJobs shape and audit stay coherent; a
// caller of another organization is refused.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineHandle } from "@/engine/engine";
import type { OrgContext } from "@/lib/auth/context";
import { builtinBackend } from "@/lib/backends/builtin";
import { JobStatus } from "@/lib/batch/states";
import { newId } from "@/lib/ids";
import { FAILED_CHILDREN_OF, resubmitFailedChildren } from "@/lib/jobs/resubmit-failed-children";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, seedEngineWorld, startTestEngine, waitForTerminal } from "../helpers/engine-fixtures";
import { addMembership, contextFor, createUser } from "../helpers/fixtures";
import { seedDefinition } from "../helpers/job-fixtures";

/** Fails on indexes 1 and 4; prints the index and the parameter it was given. */
const COMMAND = [
  "sh",
  "-c",
  'echo "index=$AWS_BATCH_JOB_ARRAY_INDEX greeting=$GREETING"; case $AWS_BATCH_JOB_ARRAY_INDEX in 1|4) exit 3;; esac',
];

describe.each(PROVIDERS)("submitting an array's failed children again on %s", (provider) => {
  let t: TestDatabase;
  let engine: EngineHandle;
  let world: EngineWorld;
  let ctx: OrgContext;
  let dataDir: string;
  let queue: string;

  const logOf = async (jobId: string) =>
    (await t.db.logChunk.findMany({ where: { jobId }, orderBy: { seq: "asc" } })).map((c) => c.data).join("");

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-refail-"));
    world = await seedEngineWorld(t.db, { maxVcpus: 4 });
    await seedDefinition(t.db, world.organizationId, {
      name: "refail",
      containerProperties: {
        image: "busybox",
        command: ["true"],
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "MEMORY", value: "64" },
        ],
      },
    });
    const user = await createUser(t.db, `refail-${newId().slice(0, 6)}@example.com`);
    await addMembership(t.db, world.organizationId, user.id, "submitter");
    ctx = contextFor(t.db, world.organizationId, user, "submitter");
    queue = (await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } })).name;
    engine = await startTestEngine(t, provider, dataDir, { logFlushMs: 50, sampleMs: 200 });
  });
  afterAll(async () => {
    await engine.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("submits only the failed children, with their indexes, and each sees its index when run", async () => {
    const original = await submitJob(ctx, {
      jobName: "refail-array",
      jobQueue: queue,
      jobDefinition: "refail:1",
      arrayProperties: { size: 6 },
      parameters: { p: "v" },
      containerOverrides: { command: COMMAND, environment: [{ name: "GREETING", value: "hello" }] },
      retryStrategy: { attempts: 2 },
      timeout: { attemptDurationSeconds: 120 },
    });
    expect(await waitForTerminal(t.db, original.jobId, 60_000)).toMatchObject({ status: JobStatus.FAILED });
    const failedBefore = await t.db.job.findMany({
      where: { arrayParentId: original.jobId, status: JobStatus.FAILED },
      select: { arrayIndex: true },
      orderBy: { arrayIndex: "asc" },
    });
    expect(failedBefore.map((c) => c.arrayIndex)).toEqual([1, 4]);

    const again = await resubmitFailedChildren(builtinBackend, ctx, { jobId: original.jobId });
    expect(again.indexes).toEqual([1, 4]);

    const children = await t.db.job.findMany({
      where: { arrayParentId: again.jobId },
      select: { id: true, arrayIndex: true },
      orderBy: { arrayIndex: "asc" },
    });
    expect(children).toEqual([
      { id: `${again.jobId}:1`, arrayIndex: 1 },
      { id: `${again.jobId}:4`, arrayIndex: 4 },
    ]);

    // The new array as DescribeJobs shows it: the same revision, queue and overrides, a size and
    // a summary that count its two children, and the tag that names the original.
    const [before] = (await builtinBackend.describeJobs(ctx, { jobs: [original.jobId] })).jobs;
    const [parent] = (await builtinBackend.describeJobs(ctx, { jobs: [again.jobId] })).jobs;
    expect(parent).toMatchObject({
      jobDefinition: before!.jobDefinition,
      jobQueue: before!.jobQueue,
      parameters: { p: "v" },
      retryStrategy: { attempts: 2 },
      timeout: { attemptDurationSeconds: 120 },
      tags: { [FAILED_CHILDREN_OF]: original.jobId },
    });
    expect(parent!.arrayProperties?.size).toBe(2);
    expect((parent!.container.command as string[]).join(" ")).toBe(COMMAND.join(" "));

    expect(await waitForTerminal(t.db, again.jobId, 60_000)).toMatchObject({ status: JobStatus.FAILED });
    const [after] = (await builtinBackend.describeJobs(ctx, { jobs: [again.jobId] })).jobs;
    expect(after!.arrayProperties?.statusSummary).toMatchObject({ [JobStatus.FAILED]: 2, [JobStatus.SUCCEEDED]: 0 });
    const described = (await builtinBackend.describeJobs(ctx, { jobs: children.map((c) => c.id) })).jobs;
    expect(described.map((j) => j.arrayProperties?.index).sort()).toEqual([1, 4]);
    // Each ran (twice: its retry strategy) and saw its own index and the original's environment.
    expect(await logOf(`${again.jobId}:1`)).toContain("index=1 greeting=hello");
    expect(await logOf(`${again.jobId}:4`)).toContain("index=4 greeting=hello");
    for (const child of described) expect(child.attempts).toHaveLength(2);

    // The child listing pages by index over the gap.
    const page1 = await builtinBackend.listJobs(ctx, {
      arrayJobId: again.jobId,
      jobStatus: JobStatus.FAILED,
      maxResults: 1,
    });
    expect(page1.jobSummaryList.map((j) => j.arrayProperties?.index)).toEqual([1]);
    const page2 = await builtinBackend.listJobs(ctx, {
      arrayJobId: again.jobId,
      jobStatus: JobStatus.FAILED,
      maxResults: 1,
      nextToken: page1.nextToken,
    });
    expect(page2.jobSummaryList.map((j) => j.arrayProperties?.index)).toEqual([4]);

    // N_TO_N on it pairs by position in index order: child 0 with index 1, child 1 with index 4.
    const partner = await submitJob(ctx, {
      jobName: "refail-partner",
      jobQueue: queue,
      jobDefinition: "refail:1",
      arrayProperties: { size: 2 },
      dependsOn: [{ jobId: again.jobId, type: "N_TO_N" }],
    });
    const edges = await t.db.jobDependency.findMany({
      where: { jobId: { startsWith: `${partner.jobId}:` } },
      select: { jobId: true, dependsOnJobId: true },
      orderBy: { jobId: "asc" },
    });
    expect(edges).toEqual([
      { jobId: `${partner.jobId}:0`, dependsOnJobId: `${again.jobId}:1` },
      { jobId: `${partner.jobId}:1`, dependsOnJobId: `${again.jobId}:4` },
    ]);

    // Audited as a submission, saying what it resubmitted.
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { organizationId: world.organizationId, action: "job.submit", targetId: again.jobId },
    });
    expect(JSON.parse(audit.details)).toMatchObject({ failedChildrenOf: original.jobId, arraySize: 2 });
  });

  it("refuses a caller of another organization", async () => {
    const original = await submitJob(ctx, {
      jobName: "refail-other",
      jobQueue: queue,
      jobDefinition: "refail:1",
      arrayProperties: { size: 2 },
      containerOverrides: { command: ["sh", "-c", "exit 1"] },
    });
    expect(await waitForTerminal(t.db, original.jobId, 60_000)).toMatchObject({ status: JobStatus.FAILED });
    const other = await seedEngineWorld(t.db);
    const stranger = await createUser(t.db, `stranger-${newId().slice(0, 6)}@example.com`);
    await addMembership(t.db, other.organizationId, stranger.id, "submitter");
    const strangerCtx = contextFor(t.db, other.organizationId, stranger, "submitter");
    await expect(resubmitFailedChildren(builtinBackend, strangerCtx, { jobId: original.jobId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.db.job.count({ where: { organizationId: other.organizationId } })).toBe(0);
  });

  it("is not offered on AWS: its arrays number their children from 0", async () => {
    await expect(
      resubmitFailedChildren({ ...builtinBackend, kind: "aws" }, ctx, { jobId: "any" }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});
