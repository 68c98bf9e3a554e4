// The real @aws-sdk/client-batch against Batchdeck's /v1 handlers over HTTP: every wired
// operation end to end, roles, organization isolation and the audit trail.
import { randomBytes } from "node:crypto";
import {
  type BatchClient,
  CancelJobCommand,
  CancelJobsCommand,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  CreateSchedulingPolicyCommand,
  DeleteComputeEnvironmentCommand,
  DeleteJobQueueCommand,
  DeleteSchedulingPolicyCommand,
  DeregisterJobDefinitionCommand,
  DescribeComputeEnvironmentsCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  DescribeSchedulingPoliciesCommand,
  GetJobQueueSnapshotCommand,
  ListJobsCommand,
  ListSchedulingPoliciesCommand,
  ListTagsForResourceCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TagResourceCommand,
  TerminateJobCommand,
  TerminateJobsCommand,
  UntagResourceCommand,
  UpdateComputeEnvironmentCommand,
  UpdateJobQueueCommand,
  UpdateSchedulingPolicyCommand,
} from "@aws-sdk/client-batch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import type { Role } from "@/lib/auth/permissions";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";
import { forceStatus } from "../helpers/job-fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

async function refusal(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | null;
  if (!error) throw new Error("expected the call to be refused");
  return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
}

describe.each(PROVIDERS)("the /v1 API through @aws-sdk/client-batch on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let orgA: string;
  let admin: BatchClient;

  async function clientFor(organizationId: string, user: { id: string; email: string }, role: Role) {
    const key = await createAccessKey(contextFor(t.db, organizationId, user, role), { description: role });
    return server.batch(key);
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    const a = await createOrgWithAdmin(t.db, "Org A");
    orgA = a.organizationId;
    admin = await clientFor(orgA, a.admin, "admin");
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("runs every wired operation end to end", async () => {
    // Compute environments
    const ce = await admin.send(
      new CreateComputeEnvironmentCommand({
        computeEnvironmentName: "ce",
        type: "MANAGED",
        computeResources: { type: "EC2", maxvCpus: 4, subnets: ["subnet-1"], instanceTypes: ["optimal"] },
      }),
    );
    expect(ce.computeEnvironmentArn).toMatch(/^arn:aws:batch:us-east-1:\d{12}:compute-environment\/ce$/);
    const ces = await admin.send(new DescribeComputeEnvironmentsCommand({ computeEnvironments: ["ce"] }));
    expect(ces.computeEnvironments?.map((c) => [c.computeEnvironmentName, c.state])).toEqual([["ce", "ENABLED"]]);
    await admin.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: "ce", state: "ENABLED" }));

    // Scheduling policies
    const policy = await admin.send(
      new CreateSchedulingPolicyCommand({ name: "fair", fairsharePolicy: { shareDecaySeconds: 60 } }),
    );
    expect(policy.arn).toMatch(/scheduling-policy\/fair$/);
    const listed = await admin.send(new ListSchedulingPoliciesCommand({}));
    expect(listed.schedulingPolicies?.map((p) => p.arn)).toEqual([policy.arn]);
    await admin.send(
      new UpdateSchedulingPolicyCommand({ arn: policy.arn, fairsharePolicy: { shareDecaySeconds: 120 } }),
    );
    const policies = await admin.send(new DescribeSchedulingPoliciesCommand({ arns: [policy.arn as string] }));
    expect(policies.schedulingPolicies?.[0]?.fairsharePolicy?.shareDecaySeconds).toBe(120);

    // Job queues
    const queue = await admin.send(
      new CreateJobQueueCommand({
        jobQueueName: "q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "ce" }],
      }),
    );
    expect(queue.jobQueueArn).toMatch(/job-queue\/q$/);
    await admin.send(new UpdateJobQueueCommand({ jobQueue: "q", priority: 5 }));
    const queues = await admin.send(new DescribeJobQueuesCommand({ jobQueues: ["q"] }));
    expect(queues.jobQueues?.[0]?.priority).toBe(5);

    // Job definitions
    const def = await admin.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: "d",
        type: "container",
        parameters: { msg: "hello" },
        containerProperties: {
          image: "busybox",
          command: ["echo", "Ref::msg"],
          resourceRequirements: [
            { type: "VCPU", value: "1" },
            { type: "MEMORY", value: "512" },
          ],
        },
      }),
    );
    expect(def.revision).toBe(1);
    const defs = await admin.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: "d" }));
    expect(defs.jobDefinitions?.map((d) => `${d.jobDefinitionName}:${d.revision}:${d.status}`)).toEqual(["d:1:ACTIVE"]);

    // Jobs
    const submit = (jobName: string) =>
      admin.send(new SubmitJobCommand({ jobName, jobQueue: "q", jobDefinition: "d", parameters: { msg: jobName } }));
    const beforeSubmit = Date.now();
    const j1 = await submit("j1");
    expect(j1.jobArn).toBe(`${queue.jobQueueArn?.replace(/job-queue\/q$/, "job/")}${j1.jobId}`);
    const described = await admin.send(new DescribeJobsCommand({ jobs: [j1.jobId as string] }));
    const detail = described.jobs?.[0];
    expect(detail?.status).toBe("RUNNABLE");
    expect(detail?.jobQueue).toBe(queue.jobQueueArn);
    expect(detail?.container?.command).toEqual(["echo", "j1"]);
    // Epoch milliseconds on the wire, a number the SDK hands back as is.
    expect(typeof detail?.createdAt).toBe("number");
    // Stamped when it was submitted: between the call and now, on this host's clock.
    expect(detail?.createdAt).toBeGreaterThanOrEqual(beforeSubmit);
    expect(detail?.createdAt).toBeLessThanOrEqual(Date.now());

    const runnable = await admin.send(new ListJobsCommand({ jobQueue: "q", jobStatus: "RUNNABLE" }));
    expect(runnable.jobSummaryList?.map((s) => s.jobName)).toEqual(["j1"]);
    const snapshot = await admin.send(new GetJobQueueSnapshotCommand({ jobQueue: "q" }));
    expect(snapshot.frontOfQueue?.jobs?.map((j) => j.jobArn)).toEqual([j1.jobArn]);

    // Tags, with the ARN percent-encoded in the path
    await admin.send(
      new TagResourceCommand({ resourceArn: queue.jobQueueArn, tags: { team: "data", "cost/center": "42" } }),
    );
    const tags = await admin.send(new ListTagsForResourceCommand({ resourceArn: queue.jobQueueArn }));
    expect(tags.tags).toEqual({ team: "data", "cost/center": "42" });
    await admin.send(new UntagResourceCommand({ resourceArn: queue.jobQueueArn, tagKeys: ["team", "cost/center"] }));
    expect((await admin.send(new ListTagsForResourceCommand({ resourceArn: queue.jobQueueArn }))).tags).toEqual({});
    await admin.send(new TagResourceCommand({ resourceArn: j1.jobArn, tags: { run: "1" } }));
    expect((await admin.send(new ListTagsForResourceCommand({ resourceArn: j1.jobArn }))).tags).toEqual({ run: "1" });

    // Cancel and terminate, single and bulk (an unknown id counts as successful, as on AWS)
    const [j2, j3, j4] = [await submit("j2"), await submit("j3"), await submit("j4")];
    await admin.send(new CancelJobCommand({ jobId: j1.jobId, reason: "no longer needed" }));
    await admin.send(new TerminateJobCommand({ jobId: j2.jobId, reason: "stop it" }));
    const bulkCancel = await admin.send(
      new CancelJobsCommand({ jobs: [j3.jobId as string, "no-such-job"], reason: "bulk" }),
    );
    expect(bulkCancel.errors ?? []).toEqual([]);
    expect([...(bulkCancel.successful ?? [])].sort()).toEqual([j3.jobId as string, "no-such-job"].sort());
    const bulkTerminate = await admin.send(
      new TerminateJobsCommand({ jobs: [j4.jobId as string], reason: "bulk stop" }),
    );
    expect(bulkTerminate.errors ?? []).toEqual([]);
    const stopped = await admin.send(new DescribeJobsCommand({ jobs: [j1, j2, j3, j4].map((j) => j.jobId as string) }));
    expect(Object.fromEntries(stopped.jobs?.map((j) => [j.jobName, [j.status, j.statusReason]]) ?? [])).toEqual({
      j1: ["FAILED", "no longer needed"],
      j2: ["FAILED", "stop it"],
      j3: ["FAILED", "bulk"],
      j4: ["FAILED", "bulk stop"],
    });

    // Tear down in AWS's order
    await admin.send(new DeregisterJobDefinitionCommand({ jobDefinition: def.jobDefinitionArn }));
    const inactive = await admin.send(new DescribeJobDefinitionsCommand({ jobDefinitions: ["d:1"] }));
    expect(inactive.jobDefinitions?.[0]?.status).toBe("INACTIVE");
    await admin.send(new UpdateJobQueueCommand({ jobQueue: "q", state: "DISABLED" }));
    await admin.send(new DeleteJobQueueCommand({ jobQueue: "q" }));
    await admin.send(new UpdateComputeEnvironmentCommand({ computeEnvironment: "ce", state: "DISABLED" }));
    await admin.send(new DeleteComputeEnvironmentCommand({ computeEnvironment: "ce" }));
    await admin.send(new DeleteSchedulingPolicyCommand({ arn: policy.arn }));
    expect((await admin.send(new DescribeComputeEnvironmentsCommand({}))).computeEnvironments).toEqual([]);

    // Every mutation above was audited as coming from the API, under the key owner's name.
    const audit = await t.db.auditEvent.findMany({ where: { organizationId: orgA, source: "api" } });
    const actions = new Set(audit.map((e) => e.action));
    for (const action of ["job.submit", "job.cancel", "job.terminate"]) expect(actions).toContain(action);
    expect(audit.length).toBeGreaterThanOrEqual(20);
    expect(await t.db.auditEvent.count({ where: { organizationId: orgA, source: "console" } })).toBe(
      await t.db.auditEvent.count({
        where: { organizationId: orgA, source: "console", action: { startsWith: "accessKey" } },
      }),
    );
  });

  it("reports AWS's errors for bad requests and lets the SDK see them as ClientException", async () => {
    const unknownQueue = await refusal(
      admin.send(new SubmitJobCommand({ jobName: "x", jobQueue: "nope", jobDefinition: "nope" })),
    );
    expect(unknownQueue).toMatchObject({ name: "ClientException", status: 400 });
    const badName = await refusal(
      admin.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: "bad name!", type: "MANAGED" })),
    );
    expect(badName).toMatchObject({ name: "ClientException", status: 400 });
    expect(badName.message).toMatch(/name/i);
  });

  it("applies the key owner's role", async () => {
    const submitterUser = await createUser(t.db, `sub-${randomBytes(3).toString("hex")}@example.com`);
    await addMembership(t.db, orgA, submitterUser.id, "submitter");
    const submitter = await clientFor(orgA, submitterUser, "submitter");
    const denied = await refusal(
      submitter.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: "ce2", type: "MANAGED" })),
    );
    expect(denied).toMatchObject({ name: "AccessDeniedException", status: 403 });
    expect(denied.message).toMatch(/not authorized to perform: batch:CreateComputeEnvironment/);
    expect(await t.db.computeEnvironment.count({ where: { organizationId: orgA, name: "ce2" } })).toBe(0);
    // Reading is allowed to every role.
    await expect(submitter.send(new DescribeJobQueuesCommand({}))).resolves.toBeDefined();

    // A demotion applies to the next request made with an existing key.
    const devUser = await createUser(t.db, `dev-${randomBytes(3).toString("hex")}@example.com`);
    const membershipId = await addMembership(t.db, orgA, devUser.id, "developer");
    const dev = await clientFor(orgA, devUser, "developer");
    await dev.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: "dev-def",
        type: "container",
        containerProperties: { image: "x" },
      }),
    );
    await t.db.membership.update({ where: { id: membershipId }, data: { role: "submitter" } });
    const demoted = await refusal(
      dev.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName: "dev-def",
          type: "container",
          containerProperties: { image: "x" },
        }),
      ),
    );
    expect(demoted.name).toBe("AccessDeniedException");
  });

  it("never shows or changes another organization's resources", async () => {
    await admin.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: "iso-ce", type: "MANAGED" }));
    const queue = await admin.send(
      new CreateJobQueueCommand({
        jobQueueName: "iso-q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "iso-ce" }],
      }),
    );
    await admin.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: "iso-d",
        type: "container",
        containerProperties: { image: "x", command: ["true"] },
      }),
    );
    const job = await admin.send(new SubmitJobCommand({ jobName: "iso", jobQueue: "iso-q", jobDefinition: "iso-d" }));

    const b = await createOrgWithAdmin(t.db, "Org B");
    const other = await clientFor(b.organizationId, b.admin, "admin");
    expect((await other.send(new DescribeJobQueuesCommand({}))).jobQueues).toEqual([]);
    expect(
      (await other.send(new DescribeJobQueuesCommand({ jobQueues: [queue.jobQueueArn as string] }))).jobQueues,
    ).toEqual([]);
    expect((await other.send(new DescribeComputeEnvironmentsCommand({}))).computeEnvironments).toEqual([]);
    expect((await other.send(new DescribeJobsCommand({ jobs: [job.jobId as string] }))).jobs).toEqual([]);
    expect((await refusal(other.send(new ListJobsCommand({ jobQueue: queue.jobQueueArn })))).name).toBe(
      "ClientException",
    );
    expect(
      (
        await refusal(
          other.send(new SubmitJobCommand({ jobName: "x", jobQueue: queue.jobQueueArn, jobDefinition: "iso-d" })),
        )
      ).name,
    ).toBe("ClientException");
    expect((await refusal(other.send(new ListTagsForResourceCommand({ resourceArn: queue.jobQueueArn })))).name).toBe(
      "ClientException",
    );
    expect((await refusal(other.send(new CancelJobCommand({ jobId: job.jobId, reason: "x" })))).name).toBe(
      "ClientException",
    );
    expect(
      (await refusal(other.send(new UpdateJobQueueCommand({ jobQueue: queue.jobQueueArn, state: "DISABLED" })))).name,
    ).toBe("ClientException");
    const still = await admin.send(new DescribeJobsCommand({ jobs: [job.jobId as string] }));
    expect(still.jobs?.[0]?.status).toBe("RUNNABLE");
    expect((await admin.send(new DescribeJobQueuesCommand({ jobQueues: ["iso-q"] }))).jobQueues?.[0]?.state).toBe(
      "ENABLED",
    );
  });

  it("returns the queue's capacity in use through the SDK, by share on a fair-share queue", async () => {
    const u = await createOrgWithAdmin(t.db, "Org U");
    const client = await clientFor(u.organizationId, u.admin, "admin");
    await client.send(new CreateComputeEnvironmentCommand({ computeEnvironmentName: "u-ce", type: "MANAGED" }));
    const policy = await client.send(new CreateSchedulingPolicyCommand({ name: "u-fair", fairsharePolicy: {} }));
    const environments = [{ order: 1, computeEnvironment: "u-ce" }];
    await client.send(
      new CreateJobQueueCommand({
        jobQueueName: "u-fs",
        priority: 1,
        schedulingPolicyArn: policy.arn,
        computeEnvironmentOrder: environments,
      }),
    );
    await client.send(
      new CreateJobQueueCommand({ jobQueueName: "u-fifo", priority: 1, computeEnvironmentOrder: environments }),
    );
    await client.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: "u-d",
        type: "container",
        containerProperties: { image: "x", command: ["true"] },
      }),
    );
    const submit = (jobQueue: string, vcpus: string, shareIdentifier?: string) =>
      client.send(
        new SubmitJobCommand({
          jobName: "u",
          jobQueue,
          jobDefinition: "u-d",
          shareIdentifier,
          containerOverrides: { resourceRequirements: [{ type: "VCPU", value: vcpus }] },
        }),
      );
    const running = [
      await submit("u-fs", "2", "blue"),
      await submit("u-fs", "1", "blue"),
      await submit("u-fs", "4", "red"),
      await submit("u-fifo", "3"),
    ];
    await submit("u-fs", "8", "green"); // still RUNNABLE: no capacity in use
    await forceStatus(
      t.db,
      running.map((j) => j.jobId as string),
      "RUNNING",
      { runnableAt: null },
    );

    const fair = await client.send(new GetJobQueueSnapshotCommand({ jobQueue: "u-fs" }));
    expect(fair.frontOfQueue?.jobs).toHaveLength(1);
    expect(fair.queueUtilization).toEqual({
      totalCapacityUsage: [{ capacityUnit: "VCPU", quantity: 7 }],
      fairshareUtilization: {
        activeShareCount: 2,
        topCapacityUtilization: [
          { shareIdentifier: "red", capacityUsage: [{ capacityUnit: "VCPU", quantity: 4 }] },
          { shareIdentifier: "blue", capacityUsage: [{ capacityUnit: "VCPU", quantity: 3 }] },
        ],
      },
      lastUpdatedAt: fair.frontOfQueue?.lastUpdatedAt,
    });
    const fifo = await client.send(new GetJobQueueSnapshotCommand({ jobQueue: "u-fifo" }));
    expect(fifo.queueUtilization?.totalCapacityUsage).toEqual([{ capacityUnit: "VCPU", quantity: 3 }]);
    expect(fifo.queueUtilization?.fairshareUtilization).toBeUndefined();
    expect(typeof fifo.queueUtilization?.lastUpdatedAt).toBe("number");
  });
});
