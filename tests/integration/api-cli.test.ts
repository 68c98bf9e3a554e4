// The real AWS CLI (botocore: a second, independent SigV4 signer and serializer) against the
// /v1 and CloudWatch Logs handlers over HTTP, the way a user points it at Batchdeck with
// --endpoint-url.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { newId } from "@/lib/ids";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld } from "../helpers/engine-fixtures";
import { contextFor } from "../helpers/fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");
const run = promisify(execFile);

/** Consumable resources came to the CLI in 2025: Debian's awscli 2.9 lacks them, newer ones have them. */
const CLI_HAS_CONSUMABLE_RESOURCES = (() => {
  try {
    execFileSync("aws", ["batch", "describe-consumable-resource", "help"], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
})();

describe.each(PROVIDERS)("the AWS CLI against Batchdeck on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  let creds: { accessKeyId: string; secretAccessKey: string };
  let organizationId: string;
  let queueArn: string;

  async function aws(args: string[], secret = creds.secretAccessKey) {
    const result = await run("aws", [...args, "--endpoint-url", server.endpoint, "--output", "json"], {
      env: {
        NODE_ENV: process.env.NODE_ENV,
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secret,
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_PAGER: "",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_MAX_ATTEMPTS: "1",
      },
    }).catch((error: { code?: number; stderr?: string }) => ({
      stdout: "",
      stderr: error.stderr ?? "",
      code: error.code,
    }));
    const code = "code" in result ? result.code : 0;
    return { code, stderr: result.stderr, json: result.stdout.trim() ? JSON.parse(result.stdout) : {} };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
    const world = await seedEngineWorld(t.db);
    organizationId = world.organizationId;
    const membership = await t.db.membership.findFirstOrThrow({
      where: { organizationId, role: "admin" },
      include: { user: true },
    });
    creds = await createAccessKey(contextFor(t.db, organizationId, membership.user, "admin"), { description: "cli" });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it("creates, submits, describes and tags through the CLI", async () => {
    const ce = await aws([
      "batch",
      "create-compute-environment",
      "--compute-environment-name",
      "cli-ce",
      "--type",
      "MANAGED",
    ]);
    expect(ce.json.computeEnvironmentArn).toMatch(/compute-environment\/cli-ce$/);
    const queue = await aws([
      "batch",
      "create-job-queue",
      "--job-queue-name",
      "cli-q",
      "--priority",
      "1",
      "--compute-environment-order",
      "order=1,computeEnvironment=cli-ce",
    ]);
    queueArn = queue.json.jobQueueArn;
    await aws([
      "batch",
      "register-job-definition",
      "--job-definition-name",
      "cli-d",
      "--type",
      "container",
      "--container-properties",
      JSON.stringify({ image: "x", command: ["echo", "hi"] }),
    ]);
    const submitted = await aws([
      "batch",
      "submit-job",
      "--job-name",
      "cli-job",
      "--job-queue",
      "cli-q",
      "--job-definition",
      "cli-d",
    ]);
    expect(submitted.json.jobId).toBeTruthy();
    const described = await aws(["batch", "describe-jobs", "--jobs", submitted.json.jobId]);
    expect(described.json.jobs[0]).toMatchObject({ jobName: "cli-job", status: "RUNNABLE", jobQueue: queueArn });
    expect(typeof described.json.jobs[0].createdAt).toBe("number");

    // botocore percent-encodes the ARN in the path and signs the double-encoded form.
    expect(
      (await aws(["batch", "tag-resource", "--resource-arn", queueArn, "--tags", "team=data,env=test"])).code,
    ).toBe(0);
    expect((await aws(["batch", "list-tags-for-resource", "--resource-arn", queueArn])).json.tags).toEqual({
      team: "data",
      env: "test",
    });
    await aws(["batch", "untag-resource", "--resource-arn", queueArn, "--tag-keys", "team", "env"]);
    expect((await aws(["batch", "list-tags-for-resource", "--resource-arn", queueArn])).json.tags).toEqual({});

    const audit = await t.db.auditEvent.findMany({
      where: { organizationId, source: "api" },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toContain("job.submit");
  }, 60_000);

  it.skipIf(!CLI_HAS_CONSUMABLE_RESOURCES)(
    "creates, describes, updates, lists and deletes a consumable resource through the CLI",
    async () => {
      const created = await aws([
        "batch",
        "create-consumable-resource",
        "--consumable-resource-name",
        "cli-seats",
        "--total-quantity",
        "3",
        "--resource-type",
        "NON_REPLENISHABLE",
      ]);
      expect(created.code).toBe(0);
      expect(created.json).toEqual({
        consumableResourceName: "cli-seats",
        consumableResourceArn: expect.stringMatching(/^arn:aws:batch:us-east-1:\d{12}:consumable-resource\/cli-seats$/),
      });
      const described = await aws(["batch", "describe-consumable-resource", "--consumable-resource", "cli-seats"]);
      expect(described.json).toMatchObject({
        consumableResourceName: "cli-seats",
        consumableResourceArn: created.json.consumableResourceArn,
        totalQuantity: 3,
        inUseQuantity: 0,
        availableQuantity: 3,
        resourceType: "NON_REPLENISHABLE",
      });
      expect(typeof described.json.createdAt).toBe("number");
      const updated = await aws([
        "batch",
        "update-consumable-resource",
        "--consumable-resource",
        created.json.consumableResourceArn,
        "--operation",
        "ADD",
        "--quantity",
        "2",
      ]);
      expect(updated.json.totalQuantity).toBe(5);
      const listed = await aws([
        "batch",
        "list-consumable-resources",
        "--filters",
        "name=CONSUMABLE_RESOURCE_NAME,values=CLI*",
      ]);
      expect(
        listed.json.consumableResources.map((r: { consumableResourceName: string }) => r.consumableResourceName),
      ).toEqual(["cli-seats"]);
      expect(
        (await aws(["batch", "list-jobs-by-consumable-resource", "--consumable-resource", "cli-seats"])).json.jobs,
      ).toEqual([]);
      expect((await aws(["batch", "delete-consumable-resource", "--consumable-resource", "cli-seats"])).code).toBe(0);
      const gone = await aws(["batch", "describe-consumable-resource", "--consumable-resource", "cli-seats"]);
      expect(gone.stderr).toMatch(/\(ClientException\).*does not exist/);
    },
    60_000,
  );

  it("shows AWS's error types on refusal", async () => {
    const wrong = await aws(["batch", "describe-job-queues"], "x".repeat(40));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/InvalidSignatureException/);
    const bad = await aws([
      "batch",
      "create-compute-environment",
      "--compute-environment-name",
      "bad name",
      "--type",
      "MANAGED",
    ]);
    expect(bad.stderr).toMatch(/\(ClientException\).*letters, numbers, hyphens/);
  }, 60_000);

  it("reads a job's log with aws logs get-log-events", async () => {
    const world = await t.db.jobQueue.findFirstOrThrow({ where: { organizationId } });
    const definition = await t.db.jobDefinition.findFirstOrThrow({ where: { organizationId } });
    const [jobId] = await insertJobs(
      t.db,
      { organizationId, queueId: world.id, definitionId: definition.id, environmentId: "" },
      [{ command: ["true"] }],
    );
    const attemptId = newId();
    const stream = `${definition.name}/default/${attemptId}`;
    await t.db.jobAttempt.create({
      data: { id: attemptId, jobId: jobId as string, attemptNumber: 1, logStreamName: stream },
    });
    const base = Date.now();
    await t.db.logChunk.createMany({
      data: [
        { jobId: jobId as string, attempt: 1, stream: "stdout", seq: 0, timestamp: BigInt(base), data: "one\ntwo\n" },
        { jobId: jobId as string, attempt: 1, stream: "stderr", seq: 0, timestamp: BigInt(base + 1), data: "warn\n" },
        { jobId: jobId as string, attempt: 1, stream: "stdout", seq: 1, timestamp: BigInt(base + 2), data: "three\n" },
      ],
    });
    const out = await aws([
      "logs",
      "get-log-events",
      "--log-group-name",
      "/aws/batch/job",
      "--log-stream-name",
      stream,
      "--start-from-head",
    ]);
    expect(out.json.events.map((e: { message: string }) => e.message)).toEqual(["one", "two", "warn", "three"]);
    const streams = await aws(["logs", "describe-log-streams", "--log-group-name", "/aws/batch/job"]);
    expect(streams.json.logStreams.map((s: { logStreamName: string }) => s.logStreamName)).toContain(stream);
  }, 60_000);
});
