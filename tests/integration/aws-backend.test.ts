// The AWS backend end to end, pointed through its endpoint override at a running Batchdeck /v1
// (in-process, real database): organization "local" is set to AWS Batch with the access key of
// an admin of organization "remote", so every call local makes through backendFor travels over
// HTTP, signed with SigV4, through @aws-sdk/client-batch, and lands in remote's built-in engine.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeJobQueuesCommand } from "@aws-sdk/client-batch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { API_OPERATIONS } from "@/lib/api/operations";
import type { OrgContext } from "@/lib/auth/context";
import { executeOperation } from "@/lib/auth/operation";
import { backendFor } from "@/lib/backends";
import { jobQueueCounts } from "@/lib/backends/aws/console";
import { awsClientsFor } from "@/lib/backends/aws/for-organization";
import { SUBMITTED_BY_TAG } from "@/lib/backends/aws/jobs";
import { sampleAwsOrganization, sampleAwsOrganizations } from "@/lib/backends/aws/metrics";
import { builtinBackend } from "@/lib/backends/builtin";
import { saveBackendSettings } from "@/lib/backends/settings/save-backend-settings";
import { backendSettingsInput } from "@/lib/backends/settings/schemas";
import { createComputeEnvironmentInput } from "@/lib/batch/shapes/compute-environments";
import type { AppError } from "@/lib/errors";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

const run = (ctx: OrgContext, name: string, raw: unknown) => {
  const operation = API_OPERATIONS[name];
  if (!operation) throw new Error(`${name} is not in the registry`);
  return executeOperation(operation, ctx, raw) as Promise<Record<string, unknown>>;
};

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!error) throw new Error("expected the call to be refused");
  return error as AppError;
}

describe.each(PROVIDERS)("the AWS backend against a Batchdeck /v1 on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let remote: OrgContext;
  let local: OrgContext;
  let remoteKey: { accessKeyId: string; secretAccessKey: string };

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    const r = await createOrgWithAdmin(t.db, "Remote");
    remote = contextFor(t.db, r.organizationId, r.admin, "admin");
    remoteKey = await createAccessKey(remote, { description: "driven by local" });
    const l = await createOrgWithAdmin(t.db, "Local");
    local = contextFor(t.db, l.organizationId, l.admin, "admin");
    await saveBackendSettings(
      local,
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: remoteKey.accessKeyId,
        secretAccessKey: remoteKey.secretAccessKey,
        batchEndpoint: server.endpoint,
        logsEndpoint: server.endpoint,
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("creates, describes, submits, lists, stops and tags in the remote through the SDK", async () => {
    const backend = await backendFor(local);
    expect(backend.kind).toBe("aws");

    const ce = await run(local, "CreateComputeEnvironment", {
      computeEnvironmentName: "ce",
      type: "MANAGED",
      computeResources: { type: "EC2", maxvCpus: 4, subnets: ["subnet-1"], instanceTypes: ["optimal"] },
    });
    expect(ce.computeEnvironmentArn).toMatch(/compute-environment\/ce$/);
    await run(local, "CreateJobQueue", {
      jobQueueName: "q",
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
    });
    const def = await run(local, "RegisterJobDefinition", {
      jobDefinitionName: "d",
      type: "container",
      containerProperties: {
        image: "busybox",
        command: ["echo", "hi"],
        resourceRequirements: [
          { type: "VCPU", value: "1" },
          { type: "MEMORY", value: "64" },
        ],
      },
    });
    expect(def.revision).toBe(1);

    // The resources live in the remote organization; the local one holds none of its own.
    const remoteQueues = await builtinBackend.describeJobQueues(remote, {});
    expect(remoteQueues.jobQueues.map((q) => q.jobQueueName)).toEqual(["q"]);
    expect(await t.db.jobQueue.count({ where: { organizationId: local.organizationId } })).toBe(0);
    const queues = await backend.describeJobQueues(local, {});
    expect(queues.jobQueues.map((q) => q.jobQueueName)).toEqual(["q"]);
    const queueArn = queues.jobQueues[0]?.jobQueueArn as string;

    // Jobs: submit, describe, list (AWS's and the console's), snapshot
    const j1 = await run(local, "SubmitJob", { jobName: "j1", jobQueue: "q", jobDefinition: "d" });
    const j2 = await run(local, "SubmitJob", { jobName: "j2", jobQueue: "q", jobDefinition: "d" });
    const { jobs } = await backend.describeJobs(local, { jobs: [j1.jobId as string] });
    expect(jobs[0]).toMatchObject({ jobName: "j1", status: "RUNNABLE", jobQueue: queueArn, attempts: [] });
    expect(jobs[0]?.tags[SUBMITTED_BY_TAG]).toBe(local.user.id);
    const remoteRow = await t.db.job.findFirstOrThrow({ where: { id: j1.jobId as string } });
    expect(remoteRow.organizationId).toBe(remote.organizationId);

    const listed = await run(local, "ListJobs", { jobQueue: "q", jobStatus: "RUNNABLE" });
    expect((listed.jobSummaryList as { jobName: string }[]).map((s) => s.jobName).sort()).toEqual(["j1", "j2"]);
    const all = await backend.listJobsForConsole(local, { limit: 50 });
    expect(all.jobs.map((j) => [j.jobName, j.jobQueue])).toEqual([
      ["j2", queueArn],
      ["j1", queueArn],
    ]);
    expect(all.nextCursor).toBeNull();
    const first = await backend.listJobsForConsole(local, { limit: 1, status: "RUNNABLE", queue: "q" });
    expect(first.jobs.map((j) => j.jobName)).toEqual(["j2"]);
    const second = await backend.listJobsForConsole(local, {
      limit: 1,
      status: "RUNNABLE",
      queue: "q",
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.jobs.map((j) => j.jobName)).toEqual(["j1"]);
    const byName = await backend.listJobsForConsole(local, { limit: 10, name: "J1" });
    expect(byName.jobs.map((j) => j.jobName)).toEqual(["j1"]);

    // An array job: listed once at the top level, its children by index under it.
    const array = await run(local, "SubmitJob", {
      jobName: "arr",
      jobQueue: "q",
      jobDefinition: "d",
      arrayProperties: { size: 3 },
    });
    const top = await backend.listJobsForConsole(local, { limit: 50 });
    expect(top.jobs.map((j) => j.jobName)).toEqual(["arr", "j2", "j1"]);
    const children = await backend.listJobsForConsole(local, { limit: 2, arrayJobId: array.jobId as string });
    expect(children.jobs.map((j) => [j.jobId, j.arrayParentId, j.jobQueue])).toEqual([
      [`${array.jobId}:0`, array.jobId, queueArn],
      [`${array.jobId}:1`, array.jobId, queueArn],
    ]);
    const rest = await backend.listJobsForConsole(local, {
      limit: 2,
      arrayJobId: array.jobId as string,
      cursor: children.nextCursor ?? undefined,
    });
    expect(rest.jobs.map((j) => j.jobId)).toEqual([`${array.jobId}:2`]);
    expect(rest.nextCursor).toBeNull();
    await run(local, "TerminateJob", { jobId: array.jobId, reason: "array done" });

    const snapshot = await run(local, "GetJobQueueSnapshot", { jobQueue: "q" });
    expect((snapshot.frontOfQueue as { jobs: { jobArn: string }[] }).jobs.map((j) => j.jobArn)).toEqual([
      j1.jobArn,
      j2.jobArn,
    ]);
    // The queue's utilization comes back from "AWS" too: nothing on a host yet, and no
    // fair-share breakdown on a FIFO queue.
    expect(snapshot.queueUtilization).toEqual({
      totalCapacityUsage: [{ capacityUnit: "VCPU", quantity: 0 }],
      lastUpdatedAt: expect.any(Number),
    });

    // Tags
    await run(local, "TagResource", { resourceArn: queueArn, tags: { team: "data" } });
    expect(await run(local, "ListTagsForResource", { resourceArn: queueArn })).toEqual({ tags: { team: "data" } });
    await run(local, "UntagResource", { resourceArn: queueArn, tagKeys: ["team"] });
    expect(await run(local, "ListTagsForResource", { resourceArn: queueArn })).toEqual({ tags: {} });

    // Cancel, terminate, and the bulk forms (an unknown id counts as successful, as on AWS)
    await run(local, "CancelJob", { jobId: j1.jobId, reason: "not needed" });
    await run(local, "TerminateJob", { jobId: j2.jobId, reason: "stop it" });
    const j3 = await run(local, "SubmitJob", { jobName: "j3", jobQueue: "q", jobDefinition: "d" });
    const bulk = await run(local, "CancelJobs", { jobs: [j3.jobId, "no-such-job"], reason: "bulk" });
    expect(bulk.errors).toEqual([]);
    expect((bulk.successful as string[]).sort()).toEqual([j3.jobId as string, "no-such-job"].sort());
    const stopped = await backend.describeJobs(local, { jobs: [j1, j2, j3].map((j) => j.jobId as string) });
    expect(stopped.jobs.map((j) => [j.jobName, j.status, j.statusReason])).toEqual([
      ["j1", "FAILED", "not needed"],
      ["j2", "FAILED", "stop it"],
      ["j3", "FAILED", "bulk"],
    ]);
    const failed = await backend.listJobsForConsole(local, { limit: 10, status: "FAILED" });
    expect(failed.jobs.map((j) => j.jobName)).toEqual(["j3", "arr", "j2", "j1"]);

    // AWS's messages come back as they are, as the right AppError.
    const missing = await refusal(run(local, "CancelJob", { jobId: "no-such-job", reason: "x" }));
    expect(missing.code).toBe("NOT_FOUND");
    const duplicate = await refusal(
      run(local, "CreateJobQueue", {
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
      }),
    );
    expect(duplicate.code).toBe("INVALID_INPUT");
    expect(duplicate.message).toMatch(/already exists/);

    // Changes made in AWS are audited in the organization that made them.
    const audit = await t.db.auditEvent.findMany({ where: { organizationId: local.organizationId } });
    const actions = new Set(audit.map((e) => e.action));
    for (const action of ["computeEnvironment.create", "jobQueue.create", "job.submit", "job.cancel", "jobQueue.tag"]) {
      expect(actions, action).toContain(action);
    }
  });

  it("carries consumable resources, and the requirements of definitions and jobs, to AWS", async () => {
    const created = await run(local, "CreateConsumableResource", {
      consumableResourceName: "licences",
      totalQuantity: 2,
      tags: { team: "x" },
    });
    expect(created.consumableResourceArn).toMatch(/:consumable-resource\/licences$/);
    // It lives in the remote organization.
    expect(await t.db.consumableResource.count({ where: { organizationId: remote.organizationId } })).toBe(1);
    expect(await t.db.consumableResource.count({ where: { organizationId: local.organizationId } })).toBe(0);
    expect(
      await run(local, "UpdateConsumableResource", { consumableResource: "licences", operation: "ADD", quantity: 1 }),
    ).toEqual({
      consumableResourceName: "licences",
      consumableResourceArn: created.consumableResourceArn,
      totalQuantity: 3,
    });
    expect(await run(local, "DescribeConsumableResource", { consumableResource: "licences" })).toMatchObject({
      consumableResourceName: "licences",
      totalQuantity: 3,
      inUseQuantity: 0,
      availableQuantity: 3,
      resourceType: "REPLENISHABLE",
      tags: { team: "x" },
    });
    const listed = await run(local, "ListConsumableResources", {
      filters: [{ name: "CONSUMABLE_RESOURCE_NAME", values: ["LIC*"] }],
    });
    expect(listed.consumableResources).toEqual([
      {
        consumableResourceArn: created.consumableResourceArn,
        consumableResourceName: "licences",
        totalQuantity: 3,
        inUseQuantity: 0,
        resourceType: "REPLENISHABLE",
      },
    ]);

    // Queue q is the first test's.
    await run(local, "RegisterJobDefinition", {
      jobDefinitionName: "d-cr",
      type: "container",
      containerProperties: { image: "busybox", command: ["true"] },
      consumableResourceProperties: { consumableResourceList: [{ consumableResource: "licences", quantity: 1 }] },
    });
    const backend = await backendFor(local);
    const { jobDefinitions } = await backend.describeJobDefinitions(local, { jobDefinitionName: "d-cr" });
    expect(jobDefinitions[0]?.consumableResourceProperties).toEqual({
      consumableResourceList: [{ consumableResource: "licences", quantity: 1 }],
    });
    const job = await run(local, "SubmitJob", {
      jobName: "licensed",
      jobQueue: "q",
      jobDefinition: "d-cr",
      consumableResourcePropertiesOverride: {
        consumableResourceList: [{ consumableResource: "licences", quantity: 2 }],
      },
    });
    const { jobs } = await backend.describeJobs(local, { jobs: [job.jobId as string] });
    expect(jobs[0]?.consumableResourceProperties).toEqual({
      consumableResourceList: [{ consumableResource: created.consumableResourceArn, quantity: 2 }],
    });
    const byResource = await run(local, "ListJobsByConsumableResource", { consumableResource: "licences" });
    expect(byResource.jobs).toEqual([
      expect.objectContaining({ jobName: "licensed", jobStatus: "RUNNABLE", quantity: 2 }),
    ]);
    // AWS's refusal comes back as AWS worded it.
    const refused = await refusal(run(local, "DeleteConsumableResource", { consumableResource: "licences" }));
    expect(refused.message).toContain("unfinished jobs require it");
    await run(local, "CancelJob", { jobId: job.jobId, reason: "done" });
    expect(await run(local, "DeleteConsumableResource", { consumableResource: "licences" })).toEqual({});
    const audit = await t.db.auditEvent.findMany({
      where: { organizationId: local.organizationId, targetType: "consumableResource" },
      select: { action: true },
    });
    expect(audit.map((a) => a.action).sort()).toEqual([
      "consumableResource.create",
      "consumableResource.delete",
      "consumableResource.update",
    ]);
  });

  it("lets a submitter stop only the jobs they submitted", async () => {
    const [alice, bob] = [
      await createUser(t.db, `alice-${provider}@example.com`),
      await createUser(t.db, `bob-${provider}@example.com`),
    ];
    await addMembership(t.db, local.organizationId, alice.id, "submitter");
    await addMembership(t.db, local.organizationId, bob.id, "submitter");
    const asAlice = contextFor(t.db, local.organizationId, alice, "submitter");
    const asBob = contextFor(t.db, local.organizationId, bob, "submitter");
    const job = await run(asAlice, "SubmitJob", { jobName: "alices", jobQueue: "q", jobDefinition: "d" });

    const refused = await refusal(run(asBob, "CancelJob", { jobId: job.jobId, reason: "mine now" }));
    expect(refused.code).toBe("FORBIDDEN");
    const bulk = await run(asBob, "TerminateJobs", { jobs: [job.jobId], reason: "mine now" });
    expect(bulk.successful).toEqual([]);
    expect((bulk.errors as { message: string }[])[0]?.message).toMatch(/only terminate jobs you submitted/);
    const tagRefused = await refusal(run(asBob, "TagResource", { resourceArn: job.jobArn, tags: { x: "y" } }));
    expect(tagRefused.code).toBe("FORBIDDEN");

    await run(asAlice, "CancelJob", { jobId: job.jobId, reason: "done" });
    const backend = await backendFor(local);
    expect((await backend.describeJobs(local, { jobs: [job.jobId as string] })).jobs[0]?.status).toBe("FAILED");
  });

  it("sends the /v1 calls of an AWS-backed organization on to AWS", async () => {
    // The local admin's own access key, used on local's /v1: the call is relayed to the remote.
    const key = await createAccessKey(local, { description: "local api" });
    const out = await server.batch(key).send(new DescribeJobQueuesCommand({}));
    expect(out.jobQueues?.map((q) => q.jobQueueName)).toEqual(["q"]);
    expect(await t.db.jobQueue.count({ where: { organizationId: local.organizationId } })).toBe(0);
  });

  it("answers the console's reads from AWS's calls, and says what AWS cannot tell", async () => {
    const backend = await backendFor(local);
    const clients = await awsClientsFor(local);
    if (!clients) throw new Error("local should run on the AWS backend");

    // Capacity: desiredvCpus of maxvCpus as AWS reports them; memory and jobs are not known.
    await run(local, "CreateComputeEnvironment", {
      computeEnvironmentName: "big",
      type: "MANAGED",
      computeResources: { type: "EC2", minvCpus: 0, desiredvCpus: 2, maxvCpus: 8, subnets: ["subnet-1"] },
    });
    const usage = await backend.computeEnvironmentUsage(local);
    expect(usage.computeEnvironments.find((u) => u.computeEnvironmentName === "big")).toEqual({
      computeEnvironmentName: "big",
      basis: "desired",
      maxVcpus: 8,
      maxMemoryMiB: null,
      gpuIds: [],
      jobs: null,
      vcpus: 2,
      memoryMiB: null,
      gpus: 0,
    });
    expect(usage.computeEnvironments.map((u) => u.computeEnvironmentName)).toEqual(["big", "ce"]);

    // Fresh work in queue q (the earlier tests left only finished jobs there).
    const a = await run(local, "SubmitJob", { jobName: "wait-a", jobQueue: "q", jobDefinition: "d" });
    const b = await run(local, "SubmitJob", { jobName: "wait-b", jobQueue: "q", jobDefinition: "d" });
    const c = await run(local, "SubmitJob", {
      jobName: "wait-c",
      jobQueue: "q",
      jobDefinition: "d",
      dependsOn: [{ jobId: a.jobId }],
    });
    const huge = await run(local, "SubmitJob", {
      jobName: "huge",
      jobQueue: "q",
      jobDefinition: "d",
      containerOverrides: { resourceRequirements: [{ type: "VCPU", value: "16" }] },
    });

    // Queue counts agree with what the remote's own engine counts, status by status.
    const counts = await backend.jobQueueCounts(local, { terminalMaxAgeMs: 0 });
    const truth = await builtinBackend.jobQueueCounts(remote, { terminalMaxAgeMs: 0 });
    expect(counts.jobQueues.map((q) => [q.jobQueueName, q.counts])).toEqual(
      truth.jobQueues.map((q) => [q.jobQueueName, q.counts]),
    );
    expect(counts.jobQueues[0]?.counts.RUNNABLE).toBe(3);
    expect(counts.jobQueues[0]?.capped).toBeUndefined();
    // Read again within a few seconds, the counts are shared rather than asked of AWS again.
    const extra = await run(local, "SubmitJob", { jobName: "extra", jobQueue: "q", jobDefinition: "d" });
    expect((await backend.jobQueueCounts(local)).jobQueues[0]?.counts.RUNNABLE).toBe(3);
    expect((await backend.jobQueueCounts(local, { terminalMaxAgeMs: 0 })).jobQueues[0]?.counts.RUNNABLE).toBe(4);
    await run(local, "CancelJob", { jobId: extra.jobId, reason: "not needed" });
    // Past one list page a count says it stopped there.
    const small = await jobQueueCounts(clients, 2);
    expect(small.jobQueues[0]?.counts.RUNNABLE).toBe(2);
    expect(small.jobQueues[0]?.capped).toEqual({ RUNNABLE: true, FAILED: true });

    // The filter's ids page by page, in the list's order, and its count (capped when asked).
    const listed = await backend.listJobsForConsole(local, { limit: 50, status: "RUNNABLE" });
    expect(listed.jobs.map((j) => j.jobName)).toEqual(["huge", "wait-b", "wait-a"]);
    const page1 = await backend.resolveJobFilter(local, { status: "RUNNABLE", limit: 2 });
    expect(page1.jobIds).toEqual([huge.jobId, b.jobId]);
    const page2 = await backend.resolveJobFilter(local, {
      status: "RUNNABLE",
      limit: 2,
      cursor: page1.nextCursor ?? undefined,
    });
    expect(page2).toEqual({ jobIds: [a.jobId], nextCursor: null });
    expect(await backend.countJobsForConsole(local, { status: "RUNNABLE" })).toEqual({ count: 3, capped: false });
    expect(await backend.countJobsForConsole(local, { name: "wait-*" })).toEqual({ count: 3, capped: false });
    expect(await backend.countJobsForConsole(local, { status: "RUNNABLE" }, 2)).toEqual({ count: 2, capped: true });

    // Dependents: AWS has no such call; the jobs submitted through Batchdeck are known, and the
    // answer says the list may not be all of them.
    const dependents = await backend.listDependents(local, { jobId: a.jobId as string });
    expect(dependents).toEqual({
      dependents: [{ jobId: c.jobId, jobName: "wait-c", status: "PENDING" }],
      more: false,
      partial: expect.stringMatching(/Only jobs submitted through Batchdeck.*AWS Batch has no call/),
    });
    // Kept per organization: the remote's own organization submitted nothing through this one.
    expect(await t.db.awsJobDependency.count({ where: { organizationId: local.organizationId } })).toBe(1);
    expect((await backend.listDependents(local, { jobId: b.jobId as string })).dependents).toEqual([]);

    // Why not running: the dependency and the place in line match the remote engine's own answer.
    const whyC = await backend.whyNotRunning(local, { jobId: c.jobId as string });
    expect(whyC).toMatchObject({ status: "PENDING", waiting: true, submittedByCaller: true });
    expect(whyC.reasons).toEqual([
      { kind: "DEPENDENCY", jobs: [{ jobId: a.jobId, jobName: "wait-a", status: "RUNNABLE" }] },
    ]);
    const whyA = await backend.whyNotRunning(local, { jobId: a.jobId as string });
    const truthA = await builtinBackend.whyNotRunning(remote, { jobId: a.jobId as string });
    expect(truthA.reasons).toContainEqual({ kind: "POSITION", position: 1, runnable: 3, approximate: false });
    expect(whyA.reasons).toEqual([
      { kind: "POSITION", position: 1, runnable: 3, approximate: false },
      { kind: "NEXT" },
    ]);
    expect(whyA.requested).toEqual({ vcpus: 1, memoryMiB: 64, gpus: 0 });
    const whyHuge = await backend.whyNotRunning(local, { jobId: huge.jobId as string });
    expect(whyHuge.reasons.map((r) => r.kind)).toEqual(["NEVER_FITS", "UNSATISFIABLE", "POSITION"]);
    expect(whyHuge.reasons[0]).toEqual({
      kind: "NEVER_FITS",
      environment: "ce",
      resources: [{ resource: "VCPU", requested: 16, max: 4 }],
    });
    await run(local, "UpdateJobQueue", { jobQueue: "q", state: "DISABLED" });
    await run(local, "UpdateComputeEnvironment", { computeEnvironment: "ce", state: "DISABLED" });
    const whyB = await backend.whyNotRunning(local, { jobId: b.jobId as string });
    expect(whyB.reasons.map((r) => r.kind)).toEqual(["QUEUE_DISABLED", "ENVIRONMENT_DISABLED", "POSITION"]);
    await run(local, "UpdateJobQueue", { jobQueue: "q", state: "ENABLED" });
    await run(local, "UpdateComputeEnvironment", { computeEnvironment: "ce", state: "ENABLED" });
    const finished = await backend.whyNotRunning(local, { jobId: "no-such-job" }).then(
      () => null,
      (e: AppError) => e.code,
    );
    expect(finished).toBe("NOT_FOUND");

    // Dashboard: the engine samples AWS organizations' counts; the series read them back by
    // queue and environment name, and say what is not recorded on AWS.
    const before = await backend.getMetricSeries(local, { from: 0, to: 60_000, bucket: 6_000 });
    expect(before).toMatchObject({ hasData: false, active: [], partial: expect.stringMatching(/AWS Batch/) });
    expect(before.times).toHaveLength(10);
    const start = Date.now() - 30_000;
    expect(await sampleAwsOrganization(t.db, local.organizationId, clients, start)).toBe(3);
    await run(local, "CancelJob", { jobId: b.jobId, reason: "fewer" });
    await sampleAwsOrganization(t.db, local.organizationId, clients, start + 10_000);
    // Organizations on the built-in engine are not sampled by the AWS round.
    const logged: string[] = [];
    await sampleAwsOrganizations(t.db, start + 20_000, (line) => logged.push(line));
    expect(logged).toEqual([]);
    expect(await t.db.metricSample.count({ where: { organizationId: remote.organizationId } })).toBe(0);
    const series = await backend.getMetricSeries(local, { from: start, to: start + 30_000, bucket: 10_000 });
    expect(series.hasData).toBe(true);
    expect(series.queues).toEqual([{ id: "q", name: "q" }]);
    expect(series.computeEnvironments).toEqual([
      { id: "big", name: "big", maxvCpus: 8 },
      { id: "ce", name: "ce", maxvCpus: 4 },
    ]);
    expect(series.active).toEqual([
      { queueId: "q", status: "PENDING", values: [1, 1, 1] },
      { queueId: "q", status: "RUNNABLE", values: [3, 2, 2] },
    ]);
    expect(series.vcpus).toEqual([{ computeEnvironmentId: "big", values: [2, 2, 2] }]);
    expect(series).toMatchObject({ finished: [], runTime: null, topFailing: [] });

    await run(local, "CancelJobs", { jobs: [a.jobId, b.jobId, c.jobId, huge.jobId], reason: "done" });
  });

  it("refuses an organization pointed at its own /v1 instead of calling itself without end", async () => {
    const o = await createOrgWithAdmin(t.db, "Loop");
    const loop = contextFor(t.db, o.organizationId, o.admin, "admin");
    const own = await createAccessKey(loop, { description: "own" });
    await saveBackendSettings(
      loop,
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        accessKeyId: own.accessKeyId,
        secretAccessKey: own.secretAccessKey,
        batchEndpoint: server.endpoint,
      }),
    );
    const error = await refusal(backendFor(loop).then((b) => b.describeJobQueues(loop, {})));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toMatch(/already relayed by a Batchdeck AWS backend/);
  });

  it("says in plain words when the credentials are refused, without the secret", async () => {
    await saveBackendSettings(
      local,
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: remoteKey.accessKeyId,
        secretAccessKey: "wrong-secret-wrong-secret-wrong-secret00",
        batchEndpoint: server.endpoint,
      }),
    );
    const error = await refusal(backendFor(local).then((b) => b.describeJobQueues(local, {})));
    expect(error.code).toBe("BACKEND_UNAVAILABLE");
    expect(error.message).toMatch(/^The AWS credentials were refused: /);
    expect(error.message).not.toContain("wrong-secret");
    expect(error.message).not.toContain(remoteKey.secretAccessKey);
  });

  it("logs an organization that stays unreachable when its failure changes or every ten minutes, not at every sample", async () => {
    const o = await createOrgWithAdmin(t.db, "Unreachable");
    const ctx = contextFor(t.db, o.organizationId, o.admin, "admin");
    const settings = (batchEndpoint: string) =>
      backendSettingsInput.parse({
        backend: "aws",
        region: "us-east-1",
        credentialMode: "keys",
        accessKeyId: remoteKey.accessKeyId,
        secretAccessKey: remoteKey.secretAccessKey,
        batchEndpoint,
        logsEndpoint: batchEndpoint,
      });
    await saveBackendSettings(ctx, settings("http://127.0.0.1:9"));
    const lines: string[] = [];
    const sample = (at: number) =>
      sampleAwsOrganizations(t.db, at, (message, fields) => {
        if (fields?.organizationId === o.organizationId) lines.push(`${message}: ${String(fields.message ?? "")}`);
      });
    const start = Date.now();
    await sample(start);
    await sample(start + 60_000);
    await sample(start + 120_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^AWS metrics sample failed: AWS Batch in us-east-1 could not be reached/);
    await sample(start + 11 * 60_000);
    expect(lines).toHaveLength(2);
    await saveBackendSettings(ctx, settings(server.endpoint));
    await sample(start + 12 * 60_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^AWS metrics sample works again/);
    await sample(start + 13 * 60_000);
    expect(lines).toHaveLength(3);
  });
});

describe("the AWS backend assuming a role", () => {
  let t: TestDatabase;
  let server: ApiServer;
  let sts: Server;
  const assumed: URLSearchParams[] = [];

  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_STS;
    sts?.closeAllConnections();
    await new Promise<void>((resolve) => (sts ? sts.close(() => resolve()) : resolve()));
    await server?.close();
    await t?.close();
  });

  it("assumes the role through STS with the organization's generated external id, then calls AWS Batch with the role's credentials", async () => {
    t = await freshDatabase("sqlite");
    server = await startApiServer({ db: t.db });
    const r = await createOrgWithAdmin(t.db, "Remote");
    const remote = contextFor(t.db, r.organizationId, r.admin, "admin");
    await builtinBackend.createComputeEnvironment(
      remote,
      createComputeEnvironmentInput.parse({
        computeEnvironmentName: "role-ce",
        type: "MANAGED",
        computeResources: { type: "EC2", maxvCpus: 1 },
      }),
    );
    // The temporary credentials "STS" hands out are a key of the remote organization.
    const temporary = await createAccessKey(remote, { description: "role session" });
    sts = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        assumed.push(new URLSearchParams(body));
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>${temporary.accessKeyId}</AccessKeyId><SecretAccessKey>${temporary.secretAccessKey}</SecretAccessKey>
<SessionToken>session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:batchdeck</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/batchdeck/x</Arn></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`);
      });
    });
    await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
    // The SDK's standard per-service endpoint variable, read by the STS client the provider builds.
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;

    const onRole = async (name: string, keys: Record<string, string>) => {
      const o = await createOrgWithAdmin(t.db, name);
      const ctx = contextFor(t.db, o.organizationId, o.admin, "admin");
      await saveBackendSettings(
        ctx,
        backendSettingsInput.parse({
          backend: "aws",
          region: "us-east-1",
          credentialMode: "assume-role",
          roleArn: "arn:aws:iam::123456789012:role/batchdeck",
          batchEndpoint: server.endpoint,
          ...keys,
        }),
      );
      const { awsExternalId } = await t.db.organization.findUniqueOrThrow({ where: { id: o.organizationId } });
      expect(awsExternalId).toMatch(/^batchdeck-[\w-]{24}$/);
      return { ctx, externalId: awsExternalId };
    };

    // With the server's own identity (the SDK's default chain; here, keys in the environment):
    // the cross-account set-up the generated external id protects.
    const own = await onRole("Own identity", {});
    process.env.AWS_ACCESS_KEY_ID = "AKIASERVER0000000000";
    process.env.AWS_SECRET_ACCESS_KEY = "server-secret-server-secret-server-0000";
    try {
      const out = await (await backendFor(own.ctx)).describeComputeEnvironments(own.ctx, {});
      expect(out.computeEnvironments.map((c) => c.computeEnvironmentName)).toEqual(["role-ce"]);
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
    expect(assumed).toHaveLength(1);
    expect(assumed[0]?.get("Action")).toBe("AssumeRole");
    expect(assumed[0]?.get("RoleArn")).toBe("arn:aws:iam::123456789012:role/batchdeck");
    expect(assumed[0]?.get("ExternalId")).toBe(own.externalId);
    expect(assumed[0]?.get("RoleSessionName")).toBe(`batchdeck-${own.ctx.organizationId}`.slice(0, 64));

    // With the tenant's own access key: that identity assumes the role, with the generated id still.
    const keyed = await onRole("Own key", {
      accessKeyId: "AKIASOURCE0000000000",
      secretAccessKey: "source-secret-source-secret-source-0000",
    });
    const out = await (await backendFor(keyed.ctx)).describeComputeEnvironments(keyed.ctx, {});
    expect(out.computeEnvironments.map((c) => c.computeEnvironmentName)).toEqual(["role-ce"]);
    expect(assumed).toHaveLength(2);
    expect(assumed[1]?.get("ExternalId")).toBe(keyed.externalId);
    expect(keyed.externalId).not.toBe(own.externalId);
  });
});
