import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { parseResolvedContainer } from "@/lib/batch/container";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import { describeJobs } from "@/lib/jobs/describe-jobs";
import { afterJobsFinished } from "@/lib/jobs/finish";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { accountOf, forceStatus, seedDefinition, seedQueue, seedSchedulingPolicy } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("job submission on %s", (provider) => {
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
    const accountId = await accountOf(t.db, organizationId);
    const submit = async (raw: Record<string, unknown>) =>
      submitJob(ctx, parseInput(submitJobInput, { jobQueue: "q", jobDefinition: "def", ...raw }));
    return { organizationId, admin, ctx, queue, accountId, submit };
  }

  it("submits a single job with overrides and parameters, and describes it", async () => {
    const { ctx, organizationId, accountId, queue, submit, admin } = await setup("Single");
    const def = await seedDefinition(t.db, organizationId, {
      containerProperties: {
        image: "busybox",
        command: ["sh", "-c", "echo Ref::greeting Ref::who Ref::unset"],
        environment: [
          { name: "KEEP", value: "1" },
          { name: "REPLACE", value: "old" },
        ],
        resourceRequirements: [
          { type: "VCPU", value: "2" },
          { type: "MEMORY", value: "1024" },
        ],
        jobRoleArn: "arn:aws:iam::123456789012:role/r",
      },
      parameters: { greeting: "hello", who: "nobody" },
      retryStrategy: { attempts: 2 },
      timeout: { attemptDurationSeconds: 120 },
      schedulingPriority: 5,
      tags: { team: "x" },
    });
    const out = await submit({
      jobName: "first-job",
      jobQueue: queue.arn,
      parameters: { who: "world" },
      containerOverrides: {
        environment: [
          { name: "REPLACE", value: "new" },
          { name: "ADDED", value: "yes" },
        ],
        resourceRequirements: [{ type: "MEMORY", value: "256" }],
      },
      retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "1*", action: "exit" }] },
      tags: { owner: "me" },
      propagateTags: true,
    });
    expect(out.jobName).toBe("first-job");
    expect(out.jobArn).toBe(`arn:aws:batch:us-east-1:${accountId}:job/${out.jobId}`);

    const row = await t.db.job.findUniqueOrThrow({ where: { id: out.jobId } });
    expect(row).toMatchObject({
      status: "RUNNABLE",
      organizationId,
      jobQueueId: queue.id,
      jobDefinitionId: def.id,
      attemptsAllowed: 3,
      timeoutSeconds: 120,
      schedulingPriority: 5,
      vcpus: 2,
      memoryMiB: 256,
      gpus: 0,
      pendingDependencies: 0,
      submittedById: admin.id,
      propagateTags: true,
    });
    expect(row.runnableAt).not.toBeNull();
    const container = parseResolvedContainer(row.container);
    expect(container.command).toEqual(["sh", "-c", "echo hello world Ref::unset"]);
    expect(container.environment).toEqual([
      { name: "KEEP", value: "1" },
      { name: "REPLACE", value: "new" },
      { name: "ADDED", value: "yes" },
    ]);
    expect(container.extra).toEqual({ jobRoleArn: "arn:aws:iam::123456789012:role/r" });

    const { jobs } = await describeJobs(ctx, { jobs: [out.jobId] });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      jobArn: out.jobArn,
      jobId: out.jobId,
      jobName: "first-job",
      jobQueue: queue.arn,
      jobDefinition: def.arn,
      status: "RUNNABLE",
      schedulingPriority: 5,
      attempts: [],
      dependsOn: [],
      parameters: { greeting: "hello", who: "world" },
      retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "1*", action: "EXIT" }] },
      timeout: { attemptDurationSeconds: 120 },
      tags: { owner: "me" },
      propagateTags: true,
      isCancelled: false,
      isTerminated: false,
      container: {
        image: "busybox",
        command: ["sh", "-c", "echo hello world Ref::unset"],
        jobRoleArn: "arn:aws:iam::123456789012:role/r",
        resourceRequirements: [
          { type: "VCPU", value: "2" },
          { type: "MEMORY", value: "256" },
        ],
      },
    });
    expect(typeof jobs[0]?.createdAt).toBe("number");
    expect(jobs[0]?.startedAt).toBeUndefined();

    const audit = await t.db.auditEvent.findMany({ where: { organizationId, action: "job.submit" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.targetId).toBe(out.jobId);
  });

  it("submits an array job with a parent row and indexed children", async () => {
    const { ctx, organizationId, submit } = await setup("Array");
    await seedDefinition(t.db, organizationId);
    const out = await submit({ jobName: "arr", arrayProperties: { size: 5 } });
    const rows = await t.db.job.findMany({ where: { organizationId }, orderBy: { arrayIndex: "asc" } });
    const parent = rows.find((r) => r.id === out.jobId);
    expect(parent).toMatchObject({ status: "PENDING", arraySize: 5, arrayParentId: null, runnableAt: null });
    const children = rows.filter((r) => r.arrayParentId === out.jobId);
    expect(children.map((c) => [c.id, c.arrayIndex, c.status])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [`${out.jobId}:${i}`, i, "RUNNABLE"]),
    );
    expect(children.every((c) => c.runnableAt !== null && c.name === "arr" && c.container === parent?.container)).toBe(
      true,
    );
    const { jobs } = await describeJobs(ctx, { jobs: [out.jobId, `${out.jobId}:3`] });
    expect(jobs[0]?.arrayProperties).toMatchObject({
      size: 5,
      statusSummary: { RUNNABLE: 5, PENDING: 0, SUCCEEDED: 0, FAILED: 0 },
    });
    expect(jobs[1]?.arrayProperties).toEqual({ index: 3 });
    expect(await t.db.auditEvent.count({ where: { organizationId, action: "job.submit" } })).toBe(1);
  });

  it("accepts a 10,000-child array", async () => {
    const { organizationId, submit } = await setup("Big");
    await seedDefinition(t.db, organizationId);
    const out = await submit({ jobName: "big", arrayProperties: { size: 10_000 } });
    expect(await t.db.job.count({ where: { arrayParentId: out.jobId, status: "RUNNABLE" } })).toBe(10_000);
    const last = await t.db.job.findUniqueOrThrow({ where: { id: `${out.jobId}:9999` } });
    expect(last.arrayIndex).toBe(9999);
  });

  it("plans dependencies: plain, already succeeded, already failed", async () => {
    const { ctx, organizationId, submit } = await setup("Deps");
    await seedDefinition(t.db, organizationId);
    const a = await submit({ jobName: "a" });
    const b = await submit({ jobName: "b" });
    const waiting = await submit({ jobName: "waits", dependsOn: [{ jobId: a.jobId }, { jobId: b.jobId }] });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: waiting.jobId } })).toMatchObject({
      status: "PENDING",
      pendingDependencies: 2,
    });
    await forceStatus(t.db, [a.jobId], "SUCCEEDED");
    const half = await submit({ jobName: "half", dependsOn: [{ jobId: a.jobId }, { jobId: b.jobId }] });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: half.jobId } })).toMatchObject({
      status: "PENDING",
      pendingDependencies: 1,
    });
    await forceStatus(t.db, [b.jobId], "SUCCEEDED");
    const ready = await submit({ jobName: "ready", dependsOn: [{ jobId: a.jobId }, { jobId: b.jobId }] });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: ready.jobId } })).toMatchObject({
      status: "RUNNABLE",
      pendingDependencies: 0,
    });
    const c = await submit({ jobName: "c" });
    await forceStatus(t.db, [c.jobId], "FAILED");
    const doomed = await submit({ jobName: "doomed", dependsOn: [{ jobId: c.jobId }, { jobId: a.jobId }] });
    const doomedRow = await t.db.job.findUniqueOrThrow({ where: { id: doomed.jobId } });
    expect(doomedRow).toMatchObject({ status: "FAILED", statusReason: "Dependent Job failed" });
    expect(doomedRow.stoppedAt).not.toBeNull();
    const edges = await t.db.jobDependency.findMany({ where: { jobId: waiting.jobId } });
    expect(edges.map((e) => e.dependsOnJobId).sort()).toEqual([a.jobId, b.jobId].sort());
    const { jobs } = await describeJobs(ctx, { jobs: [waiting.jobId] });
    expect(jobs[0]?.dependsOn).toEqual(
      expect.arrayContaining(
        [
          { jobId: a.jobId, type: undefined },
          { jobId: b.jobId, type: undefined },
        ].map(({ jobId }) => ({ jobId })),
      ),
    );
  });

  it("refuses every invalid submission with a clear error and writes nothing", async () => {
    const { organizationId, submit } = await setup("Invalid");
    await seedDefinition(t.db, organizationId);
    await seedDefinition(t.db, organizationId, { name: "gone", status: "INACTIVE" });
    await seedDefinition(t.db, organizationId, { name: "nocmd", containerProperties: { image: "x" } });
    await seedQueue(t.db, organizationId, { name: "off", state: "DISABLED" });
    const policy = await seedSchedulingPolicy(t.db, organizationId);
    await seedQueue(t.db, organizationId, { name: "fair", schedulingPolicyId: policy.id });
    const arr = await submit({ jobName: "arr3", arrayProperties: { size: 3 } });
    const before = {
      jobs: await t.db.job.count({ where: { organizationId } }),
      deps: await t.db.jobDependency.count(),
      audit: await t.db.auditEvent.count({ where: { organizationId } }),
    };

    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ["unknown queue", { jobName: "j", jobQueue: "nope" }, "NOT_FOUND", /job-queue\/nope does not exist/],
      ["unknown definition", { jobName: "j", jobDefinition: "nope" }, "NOT_FOUND", /nope/],
      [
        "unknown revision",
        { jobName: "j", jobDefinition: "def:9" },
        "NOT_FOUND",
        /job-definition\/def:9 does not exist/,
      ],
      ["disabled queue", { jobName: "j", jobQueue: "off" }, "INVALID_INPUT", /DISABLED/],
      ["inactive definition", { jobName: "j", jobDefinition: "gone:1" }, "INVALID_INPUT", /INACTIVE/],
      ["array of 1", { jobName: "j", arrayProperties: { size: 1 } }, "INVALID_INPUT", /between 2 and 10000/],
      ["array of 10,001", { jobName: "j", arrayProperties: { size: 10_001 } }, "INVALID_INPUT", /between 2 and 10000/],
      ["bad job name", { jobName: "-bad" }, "INVALID_INPUT", /start with a letter or a number/],
      ["bad job name chars", { jobName: "a b" }, "INVALID_INPUT", /letters/],
      [
        "too many dependencies",
        { jobName: "j", dependsOn: Array.from({ length: 101 }, (_, i) => ({ jobId: `x${i}` })) },
        "INVALID_INPUT",
        /more than 100 dependencies/,
      ],
      [
        "unknown dependency",
        { jobName: "j", dependsOn: [{ jobId: "missing-id" }] },
        "NOT_FOUND",
        /missing-id does not exist/,
      ],
      [
        "N_TO_N size mismatch",
        { jobName: "j", arrayProperties: { size: 4 }, dependsOn: [{ jobId: arr.jobId, type: "N_TO_N" }] },
        "INVALID_INPUT",
        /size 3.*size is 4/,
      ],
      [
        "SEQUENTIAL without array",
        { jobName: "j", dependsOn: [{ type: "SEQUENTIAL" }] },
        "INVALID_INPUT",
        /only to array jobs/,
      ],
      [
        "dependency without jobId",
        { jobName: "j", dependsOn: [{ type: "N_TO_N" }] },
        "INVALID_INPUT",
        /jobId is required/,
      ],
      [
        "shareIdentifier on a FIFO queue",
        { jobName: "j", shareIdentifier: "teamA" },
        "INVALID_INPUT",
        /no scheduling policy/,
      ],
      [
        "no shareIdentifier on a fair-share queue",
        { jobName: "j", jobQueue: "fair" },
        "INVALID_INPUT",
        /shareIdentifier is required/,
      ],
      [
        "bad shareIdentifier",
        { jobName: "j", jobQueue: "fair", shareIdentifier: "a-b" },
        "INVALID_INPUT",
        /letters and numbers/,
      ],
      ["attempts 11", { jobName: "j", retryStrategy: { attempts: 11 } }, "INVALID_INPUT", /between 1 and 10/],
      ["timeout 59", { jobName: "j", timeout: { attemptDurationSeconds: 59 } }, "INVALID_INPUT", /at least 60/],
      ["priority 10000", { jobName: "j", schedulingPriorityOverride: 10_000 }, "INVALID_INPUT", /0 and 9999/],
      [
        "reserved environment",
        { jobName: "j", containerOverrides: { environment: [{ name: "AWS_BATCH_X", value: "1" }] } },
        "INVALID_INPUT",
        /AWS_BATCH/,
      ],
      [
        "bad memory",
        { jobName: "j", containerOverrides: { resourceRequirements: [{ type: "MEMORY", value: "2" }] } },
        "INVALID_INPUT",
        /MEMORY/,
      ],
      [
        "bad resource type",
        { jobName: "j", containerOverrides: { resourceRequirements: [{ type: "DISK", value: "2" }] } },
        "INVALID_INPUT",
        /GPU, VCPU, MEMORY/,
      ],
      [
        "empty command entry",
        { jobName: "j", containerOverrides: { command: ["a", ""] } },
        "INVALID_INPUT",
        /empty string/,
      ],
      ["reserved tag", { jobName: "j", tags: { "aws:x": "1" } }, "INVALID_INPUT", /reserved prefix/],
      ["multi-node", { jobName: "j", nodeOverrides: { numNodes: 2 } }, "INVALID_INPUT", /not supported/],
    ];
    for (const [label, raw, code, message] of cases) {
      const error = await submit(raw).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, label).toMatchObject({ code });
      expect((error as Error).message, label).toMatch(message);
    }
    expect(await t.db.job.count({ where: { organizationId } })).toBe(before.jobs);
    expect(await t.db.jobDependency.count()).toBe(before.deps);
    expect(await t.db.auditEvent.count({ where: { organizationId } })).toBe(before.audit);
  });

  it("accepts a definition without a command: the container runs its image's own", async () => {
    const { organizationId, submit } = await setup("No command");
    await seedDefinition(t.db, organizationId, { name: "imagecmd", containerProperties: { image: "busybox" } });
    const { jobId } = await submit({ jobName: "j", jobDefinition: "imagecmd" });
    const row = await t.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(parseResolvedContainer(row.container)).toMatchObject({ image: "busybox", command: [] });
  });

  it("takes fair-share fields and the definition's defaults", async () => {
    const { organizationId, submit } = await setup("Fair");
    await seedDefinition(t.db, organizationId, {
      schedulingPriority: 7,
      retryStrategy: { attempts: 4 },
      timeout: { attemptDurationSeconds: 600 },
      containerProperties: { image: "x", command: ["true"], vcpus: 3, memory: 300 },
    });
    const policy = await seedSchedulingPolicy(t.db, organizationId);
    await seedQueue(t.db, organizationId, { name: "fair", schedulingPolicyId: policy.id });
    const a = await submit({ jobName: "a", jobQueue: "fair", shareIdentifier: "teamA" });
    const b = await submit({
      jobName: "b",
      jobQueue: "fair",
      shareIdentifier: "teamB",
      schedulingPriorityOverride: 9,
      containerOverrides: { vcpus: 2, resourceRequirements: [{ type: "GPU", value: "1" }] },
    });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: a.jobId } })).toMatchObject({
      shareIdentifier: "teamA",
      schedulingPriority: 7,
      attemptsAllowed: 4,
      timeoutSeconds: 600,
      vcpus: 3,
      memoryMiB: 300,
    });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: b.jobId } })).toMatchObject({
      shareIdentifier: "teamB",
      schedulingPriority: 9,
      vcpus: 2,
      memoryMiB: 300,
      gpus: 1,
    });
  });

  it("links array dependencies: N_TO_N child to child, SEQUENTIAL in order, whole-array waits", async () => {
    const { ctx, organizationId, submit } = await setup("ArrayDeps");
    await seedDefinition(t.db, organizationId);
    const first = await submit({ jobName: "first", arrayProperties: { size: 3 } });
    await forceStatus(t.db, [`${first.jobId}:1`], "SUCCEEDED");
    await forceStatus(t.db, [`${first.jobId}:2`], "FAILED");
    const second = await submit({
      jobName: "second",
      arrayProperties: { size: 3 },
      dependsOn: [{ jobId: first.jobId, type: "N_TO_N" }],
    });
    const children = await t.db.job.findMany({
      where: { arrayParentId: second.jobId },
      orderBy: { arrayIndex: "asc" },
    });
    expect(children.map((c) => [c.status, c.pendingDependencies])).toEqual([
      ["PENDING", 1],
      ["RUNNABLE", 0],
      ["FAILED", 1],
    ]);
    expect(children[2]?.statusReason).toBe("Dependent Job failed");
    const edges = await t.db.jobDependency.findMany({ where: { jobId: { startsWith: second.jobId } } });
    expect(edges.map((e) => [e.jobId, e.dependsOnJobId, e.type]).sort()).toEqual(
      [0, 1, 2].map((i) => [`${second.jobId}:${i}`, `${first.jobId}:${i}`, "N_TO_N"]),
    );

    const seq = await submit({ jobName: "seq", arrayProperties: { size: 4 }, dependsOn: [{ type: "SEQUENTIAL" }] });
    const seqChildren = await t.db.job.findMany({
      where: { arrayParentId: seq.jobId },
      orderBy: { arrayIndex: "asc" },
    });
    expect(seqChildren.map((c) => [c.status, c.pendingDependencies])).toEqual([
      ["RUNNABLE", 0],
      ["PENDING", 1],
      ["PENDING", 1],
      ["PENDING", 1],
    ]);
    const seqEdges = await t.db.jobDependency.findMany({ where: { jobId: `${seq.jobId}:2` } });
    expect(seqEdges).toEqual([{ jobId: `${seq.jobId}:2`, dependsOnJobId: `${seq.jobId}:1`, type: "SEQUENTIAL" }]);

    const plain = await submit({ jobName: "after-all", dependsOn: [{ jobId: seq.jobId }] });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: plain.jobId } })).toMatchObject({
      status: "PENDING",
      pendingDependencies: 1,
    });

    // An array waiting on a plain job: the parent holds the edge, the children wait for it.
    const gate = await submit({ jobName: "gate" });
    const gated = await submit({ jobName: "gated", arrayProperties: { size: 2 }, dependsOn: [{ jobId: gate.jobId }] });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: gated.jobId } })).toMatchObject({
      status: "PENDING",
      pendingDependencies: 1,
    });
    expect(
      (await t.db.job.findMany({ where: { arrayParentId: gated.jobId } })).map((c) => [
        c.status,
        c.pendingDependencies,
      ]),
    ).toEqual([
      ["PENDING", 0],
      ["PENDING", 0],
    ]);

    const { jobs } = await describeJobs(ctx, { jobs: [second.jobId, seq.jobId, gated.jobId, `${second.jobId}:1`] });
    expect(jobs.map((j) => j.dependsOn)).toEqual([
      [{ jobId: first.jobId, type: "N_TO_N" }],
      [{ type: "SEQUENTIAL" }],
      [{ jobId: gate.jobId }],
      [{ jobId: `${first.jobId}:1`, type: "N_TO_N" }],
    ]);
    expect(jobs[0]?.arrayProperties?.statusSummary).toMatchObject({ PENDING: 1, RUNNABLE: 1, FAILED: 1 });
  });

  it("fails a SEQUENTIAL array at once, child by child, when its dependency already failed", async () => {
    const { organizationId, submit } = await setup("SeqFail");
    await seedDefinition(t.db, organizationId);
    const first = await submit({ jobName: "first", arrayProperties: { size: 3 } });
    await forceStatus(t.db, [`${first.jobId}:0`], "FAILED");
    await forceStatus(t.db, [`${first.jobId}:1`, `${first.jobId}:2`], "SUCCEEDED");
    const out = await submit({
      jobName: "second",
      arrayProperties: { size: 3 },
      dependsOn: [{ jobId: first.jobId, type: "N_TO_N" }, { type: "SEQUENTIAL" }],
    });
    const rows = await t.db.job.findMany({ where: { arrayParentId: out.jobId }, orderBy: { arrayIndex: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["FAILED", "FAILED", "FAILED"]);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: out.jobId } })).toMatchObject({
      status: "FAILED",
      statusReason: "Array Child Job failed",
    });
  });

  it("never uses another organization's job as a dependency", async () => {
    const a = await setup("IsoA");
    const b = await setup("IsoB");
    await seedDefinition(t.db, a.organizationId);
    await seedDefinition(t.db, b.organizationId);
    const theirs = await b.submit({ jobName: "theirs" });
    await expect(a.submit({ jobName: "mine", dependsOn: [{ jobId: theirs.jobId }] })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(a.submit({ jobName: "mine", jobQueue: b.queue.arn })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await t.db.job.count({ where: { organizationId: a.organizationId } })).toBe(0);
  });

  it("picks the latest ACTIVE revision for a bare name or ARN, and bounds propagated tags", async () => {
    const { organizationId, submit } = await setup("Revisions");
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`d${i}`, "x"]));
    const r1 = await seedDefinition(t.db, organizationId, { tags: many });
    const r2 = await seedDefinition(t.db, organizationId, { tags: many });
    await seedDefinition(t.db, organizationId, { status: "INACTIVE" });
    const byName = await submit({ jobName: "by-name" });
    const byArn = await submit({ jobName: "by-arn", jobDefinition: r1.arn.replace(/:1$/, "") });
    const pinned = await submit({ jobName: "pinned", jobDefinition: r1.arn });
    const definitionOf = async (id: string) => (await t.db.job.findUniqueOrThrow({ where: { id } })).jobDefinitionId;
    expect(await definitionOf(byName.jobId)).toBe(r2.id);
    expect(await definitionOf(byArn.jobId)).toBe(r2.id);
    expect(await definitionOf(pinned.jobId)).toBe(r1.id);

    const jobTags = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`j${i}`, "y"]));
    await expect(submit({ jobName: "too-many", tags: jobTags, propagateTags: true })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/come to 55; at most 50/),
    });
    const fine = await submit({ jobName: "fine", tags: jobTags });
    expect(JSON.parse((await t.db.job.findUniqueOrThrow({ where: { id: fine.jobId } })).tags)).toEqual(jobTags);
  });

  it("releases submitted edges by the engine's finish rules: N_TO_N children also wait for the array's own dependencies", async () => {
    const { organizationId, submit } = await setup("Release");
    await seedDefinition(t.db, organizationId);
    const finish = (ids: string[], status: "SUCCEEDED" | "FAILED") =>
      t.db.$transaction(async (tx) => {
        await tx.job.updateMany({ where: { id: { in: ids } }, data: { status } });
        await afterJobsFinished(
          tx,
          ids.map((id) => ({ id, status })),
          Date.now(),
        );
      });
    const status = async (id: string) => (await t.db.job.findUniqueOrThrow({ where: { id } })).status;
    const gate = await submit({ jobName: "gate" });
    const first = await submit({ jobName: "first", arrayProperties: { size: 2 } });
    const second = await submit({
      jobName: "second",
      arrayProperties: { size: 2 },
      dependsOn: [{ jobId: first.jobId, type: "N_TO_N" }, { jobId: gate.jobId }],
    });
    await finish([`${first.jobId}:0`], "SUCCEEDED");
    expect(await status(`${second.jobId}:0`)).toBe("PENDING");
    await finish([gate.jobId], "SUCCEEDED");
    expect(await status(`${second.jobId}:0`)).toBe("RUNNABLE");
    expect(await status(`${second.jobId}:1`)).toBe("PENDING");
    await finish([`${first.jobId}:1`], "FAILED");
    expect(await status(`${second.jobId}:1`)).toBe("FAILED");
    expect(await status(second.jobId)).toBe("PENDING");

    // SEQUENTIAL behind a gate: child 0 waits for the gate through its parent, the rest in turn.
    const gate2 = await submit({ jobName: "gate2" });
    const seq = await submit({
      jobName: "seq",
      arrayProperties: { size: 3 },
      dependsOn: [{ type: "SEQUENTIAL" }, { jobId: gate2.jobId }],
    });
    expect(await status(`${seq.jobId}:0`)).toBe("PENDING");
    await finish([gate2.jobId], "SUCCEEDED");
    expect(await status(`${seq.jobId}:0`)).toBe("RUNNABLE");
    expect(await status(`${seq.jobId}:1`)).toBe("PENDING");
    await finish([`${seq.jobId}:0`], "SUCCEEDED");
    expect(await status(`${seq.jobId}:1`)).toBe("RUNNABLE");
    expect(await status(`${seq.jobId}:2`)).toBe("PENDING");
  });
}, 120_000);
