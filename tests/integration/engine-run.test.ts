// The engine in-process against real databases, running real processes.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineHandle } from "@/engine/engine";
import { newId } from "@/lib/ids";
import { putOrgSecret } from "@/lib/org-secrets/put-org-secret";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  startTestEngine,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { addMembership, contextFor, createUser } from "../helpers/fixtures";
import { hostVolume } from "../helpers/host-volume";

describe.each(PROVIDERS)("engine runs jobs on %s", (provider) => {
  let t: TestDatabase;
  let engine: EngineHandle;
  let world: EngineWorld;
  let dataDir: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-engine-"));
    world = await seedEngineWorld(t.db, { maxVcpus: 4 });
    engine = await startTestEngine(t, provider, dataDir, { logFlushMs: 50, sampleMs: 200 });
  });
  afterAll(async () => {
    await engine.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs a job to SUCCEEDED with its logs stored in order, per stream", async () => {
    const [id] = await insertJobs(t.db, world, [
      {
        command: [
          "sh",
          "-c",
          "for i in 1 2 3; do echo out$i; echo err$i >&2; done; echo $AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT $AWS_BATCH_JQ_NAME",
        ],
      },
    ]);
    const done = await waitForTerminal(t.db, id!);
    expect(done).toMatchObject({
      status: "SUCCEEDED",
      exitCode: 0,
      statusReason: "Essential container in task exited",
    });
    const chunks = await t.db.logChunk.findMany({ where: { jobId: id }, orderBy: [{ stream: "asc" }, { seq: "asc" }] });
    const text = (s: string) =>
      chunks
        .filter((c) => c.stream === s)
        .map((c) => c.data)
        .join("");
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    expect(text("stdout")).toBe(`out1\nout2\nout3\n${id} 1 ${queue.name}\n`);
    expect(text("stderr")).toBe("err1\nerr2\nerr3\n");
    for (const c of chunks) expect(Number(c.timestamp)).toBeGreaterThan(0);
    const attempts = await t.db.jobAttempt.findMany({ where: { jobId: id } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attemptNumber: 1, exitCode: 0, computeEnvironmentId: world.environmentId });
    expect(attempts[0]!.logStreamName).toMatch(/^def-[^/]+\/default\/[0-9a-f-]{36}$/);
    expect(JSON.parse(attempts[0]!.enforcedLimits)).toHaveProperty("memory.mechanism");
  });

  it("stores every byte of a large output burst, in order", async () => {
    const [id] = await insertJobs(t.db, world, [{ command: ["sh", "-c", "seq 1 2000000; echo end"], memoryMiB: 512 }]);
    expect(await waitForTerminal(t.db, id!, 60_000)).toMatchObject({ status: "SUCCEEDED" });
    const chunks = await t.db.logChunk.findMany({ where: { jobId: id, stream: "stdout" }, orderBy: { seq: "asc" } });
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    const out = chunks.map((c) => c.data).join("");
    const lines = out.split("\n");
    expect(lines.length).toBe(2_000_002);
    expect(lines[0]).toBe("1");
    expect(lines[1_999_999]).toBe("2000000");
    expect(lines[2_000_000]).toBe("end");
    for (let i = 0; i < 2_000_000; i += 99_991) expect(lines[i]).toBe(String(i + 1));
  });

  it("fails a non-zero exit with the attempt recorded, and retries per evaluateOnExit", async () => {
    const [plain, retried, exitRule] = await insertJobs(t.db, world, [
      { command: ["sh", "-c", "echo hi; echo err >&2; exit 3"] },
      { command: ["sh", "-c", "exit 4"], attempts: 3 },
      {
        command: ["sh", "-c", "exit 5"],
        attempts: 3,
        retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: "5", action: "EXIT" }] },
      },
    ]);
    expect(await waitForTerminal(t.db, plain!)).toMatchObject({ status: "FAILED", exitCode: 3 });
    expect(await waitForTerminal(t.db, retried!)).toMatchObject({ status: "FAILED", exitCode: 4 });
    expect(await waitForTerminal(t.db, exitRule!)).toMatchObject({ status: "FAILED", exitCode: 5 });
    const count = (jobId: string) => t.db.jobAttempt.count({ where: { jobId } });
    expect(await count(plain!)).toBe(1);
    expect(await count(retried!)).toBe(3);
    expect(await count(exitRule!)).toBe(1);
    const attempts = await t.db.jobAttempt.findMany({ where: { jobId: retried }, orderBy: { attemptNumber: "asc" } });
    expect(attempts.map((a) => [a.attemptNumber, a.exitCode])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
  });

  it("fails an attempt that cannot start, and frees its capacity", async () => {
    const [broken, missing] = await insertJobs(t.db, world, [
      { command: [], vcpus: 4 },
      { command: ["/nonexistent/batchdeck-command"], vcpus: 4 },
    ]);
    expect(await waitForTerminal(t.db, broken!)).toMatchObject({ status: "FAILED" });
    const attempt = await t.db.jobAttempt.findFirstOrThrow({ where: { jobId: broken } });
    expect(attempt.reason).toMatch(/^CannotStartContainerError: /);
    const done = await waitForTerminal(t.db, missing!);
    expect(done.status).toBe("FAILED");
    // Both needed the whole environment: the second could only run once the first let go.
    const [after] = await insertJobs(t.db, world, [{ command: ["true"], vcpus: 4 }]);
    expect(await waitForTerminal(t.db, after!)).toMatchObject({ status: "SUCCEEDED" });
  });

  it("kills a job at its timeout and does not retry it", async () => {
    const [id] = await insertJobs(t.db, world, [
      { command: ["sh", "-c", "trap '' TERM; sleep 30"], attempts: 3, timeoutSeconds: 1 },
    ]);
    const done = await waitForTerminal(t.db, id!);
    expect(done).toMatchObject({ status: "FAILED", statusReason: "Job attempt duration exceeded timeout" });
    expect(await t.db.jobAttempt.count({ where: { jobId: id } })).toBe(1);
  });

  it("terminates a RUNNING job with the caller's reason", async () => {
    const [id] = await insertJobs(t.db, world, [{ command: ["sleep", "30"], attempts: 2 }]);
    await waitFor("RUNNING", async () => (await t.db.job.findUnique({ where: { id } }))?.status === "RUNNING");
    await t.db.job.update({ where: { id }, data: { stopRequest: "TERMINATE", stopReason: "no longer needed" } });
    const done = await waitForTerminal(t.db, id!);
    expect(done).toMatchObject({ status: "FAILED", statusReason: "no longer needed" });
    expect(await t.db.jobAttempt.count({ where: { jobId: id } })).toBe(1);
  });

  it("gives array children their index and settles the parent", async () => {
    const parentId = crypto.randomUUID();
    await insertJobs(t.db, world, [{ id: parentId, command: [], status: "PENDING", arraySize: 3 }]);
    const children = await insertJobs(
      t.db,
      world,
      [0, 1, 2].map((i) => ({
        id: `${parentId}:${i}`,
        arrayParentId: parentId,
        arrayIndex: i,
        command: ["sh", "-c", "echo index=$AWS_BATCH_JOB_ARRAY_INDEX"],
      })),
    );
    for (const c of children) await waitForTerminal(t.db, c);
    expect(await waitForTerminal(t.db, parentId)).toMatchObject({ status: "SUCCEEDED" });
    const out = await t.db.logChunk.findMany({ where: { jobId: `${parentId}:2`, stream: "stdout" } });
    expect(out.map((c) => c.data).join("")).toBe("index=2\n");
  });

  it("never runs two jobs that each need the whole environment at once", async () => {
    // Jobs may run as an unprivileged user: the marker lives where anyone may write, in a
    // directory the environment lets its jobs mount (a sealed job's /tmp is its own).
    const shared = mkdtempSync(join(tmpdir(), "batchdeck-mark-"));
    chmodSync(shared, 0o777);
    const whole = await seedEngineWorld(t.db, {
      maxVcpus: 4,
      tags: { "batchdeck:executor": "process", "batchdeck:hostPaths": shared },
    });
    const mark = [{ name: "MARK", value: join(shared, "whole-env-lock") }];
    const ids = await insertJobs(t.db, whole, [
      {
        command: ["sh", "-c", `ln -s /proc/$$ "$MARK" 2>/dev/null || exit 9; sleep 0.3; rm "$MARK"`],
        vcpus: 4,
        environment: mark,
        extra: hostVolume(shared),
      },
      {
        command: ["sh", "-c", `ln -s /proc/$$ "$MARK" 2>/dev/null || exit 9; sleep 0.3; rm "$MARK"`],
        vcpus: 4,
        environment: mark,
        extra: hostVolume(shared),
      },
    ]);
    for (const id of ids) expect(await waitForTerminal(t.db, id)).toMatchObject({ status: "SUCCEEDED" });
    const [a, b] = await Promise.all(ids.map((id) => t.db.jobAttempt.findFirstOrThrow({ where: { jobId: id } })));
    const overlap = Number(a!.startedAt) < Number(b!.stoppedAt) && Number(b!.startedAt) < Number(a!.stoppedAt);
    expect(overlap).toBe(false);
    rmSync(shared, { recursive: true, force: true });
  });

  // The memory limit and its OOM reason are proven in job-isolation.test.ts, with the rest of
  // what a job may not do.

  // jobStateTimeLimitActions and the reasons of a blocked queue head: engine-head-of-queue.test.ts.

  it("hands GPU ids to jobs through CUDA_VISIBLE_DEVICES, never the same id twice at once", async () => {
    const gpuWorld = await seedEngineWorld(t.db, { maxVcpus: 8, gpuIds: ["0", "1"] });
    const ids = await insertJobs(t.db, gpuWorld, [
      { command: ["sh", "-c", "echo $CUDA_VISIBLE_DEVICES; sleep 0.3"], gpus: 1 },
      { command: ["sh", "-c", "echo $CUDA_VISIBLE_DEVICES; sleep 0.3"], gpus: 1 },
      { command: ["sh", "-c", "echo $CUDA_VISIBLE_DEVICES"], gpus: 2 },
    ]);
    for (const id of ids) expect(await waitForTerminal(t.db, id)).toMatchObject({ status: "SUCCEEDED" });
    const out = async (id: string) =>
      (await t.db.logChunk.findMany({ where: { jobId: id, stream: "stdout" } })).map((c) => c.data).join("");
    expect([await out(ids[0]!), await out(ids[1]!)].sort()).toEqual(["0\n", "1\n"]);
    expect(await out(ids[2]!)).toBe("0,1\n");
  });

  it("hands the organization's secrets to a process job too, and fails the attempt when one is missing", async () => {
    const user = await createUser(t.db, `dev-${newId().slice(0, 8)}@example.com`);
    await addMembership(t.db, world.organizationId, user.id, "developer");
    await putOrgSecret(contextFor(t.db, world.organizationId, user, "developer"), {
      name: "api-token",
      value: "tok-123",
      description: "",
    });
    const secrets = (valueFrom: string) => ({ secrets: [{ name: "API_TOKEN", valueFrom }] });
    const [ok, missing] = await insertJobs(t.db, world, [
      {
        command: ["sh", "-c", 'test "$API_TOKEN" = tok-123 && echo matched'],
        // A plain variable of the same name never wins over the secret.
        environment: [{ name: "API_TOKEN", value: "plain" }],
        extra: secrets("api-token"),
      },
      { command: ["true"], extra: secrets("no-such-token") },
    ]);
    expect(await waitForTerminal(t.db, ok!)).toMatchObject({ status: "SUCCEEDED" });
    const out = await t.db.logChunk.findMany({ where: { jobId: ok, stream: "stdout" } });
    expect(out.map((c) => c.data).join("")).toBe("matched\n");
    expect(await waitForTerminal(t.db, missing!)).toMatchObject({ status: "FAILED" });
    const [attempt] = await t.db.jobAttempt.findMany({ where: { jobId: missing } });
    expect(attempt!.reason).toMatch(/^ResourceInitializationError: .*no-such-token/);
  });

  it("writes metric samples", async () => {
    await waitFor(
      "samples",
      async () => (await t.db.metricSample.count({ where: { organizationId: world.organizationId } })) > 0,
    );
  });
});
