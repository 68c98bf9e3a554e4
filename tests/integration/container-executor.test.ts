// The container executor, end to end: the engine in-process against real databases runs job
// definitions written for AWS Batch in real Podman containers of a locally built image, and each
// field of containerProperties is checked from inside the job (its own output is the verdict).

import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containerLogPath, relayMaxBytes } from "@/engine/containers/container-runner";
import { DockerApi } from "@/engine/containers/docker-api";
import { type EngineHandle, startEngine } from "@/engine/engine";
import { truncationMarker } from "@/engine/log-capture";
import { STATUS_REASONS } from "@/lib/batch/states";
import { putOrgSecret } from "@/lib/org-secrets/put-org-secret";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  type JobSpec,
  seedEngineWorld,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { addMembership, contextFor, createUser } from "../helpers/fixtures";
import { ensureTestImage } from "../helpers/test-image";

const CONTAINER = { "batchdeck:executor": "container" };
/** The engine's log limit here: small, so the flood test is quick. */
const CAP = 1024 * 1024;

describe.each(PROVIDERS)("container executor on %s", (provider) => {
  let t: TestDatabase;
  let engine: EngineHandle;
  let world: EngineWorld;
  let dataDir: string;
  let image: string;
  let hostDir: string;

  beforeAll(async () => {
    image = await ensureTestImage();
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-containers-"));
    hostDir = mkdtempSync(join(tmpdir(), "batchdeck-volume-"));
    writeFileSync(join(hostDir, "input.txt"), "from the host\n");
    world = await seedEngineWorld(t.db, {
      maxVcpus: 8,
      memoryMiB: 8192,
      tags: { ...CONTAINER, "batchdeck:hostPaths": hostDir, "batchdeck:pidsLimit": "64" },
    });
    engine = startEngine({
      db: t.db,
      provider,
      databaseUrl: t.url,
      dataDir,
      pollMs: 10,
      leaseRenewMs: 200,
      leaseTtlMs: 1_000,
      // Long enough for a trap to run on a loaded machine (the SIGTERM test reads its output).
      killGraceMs: 5_000,
      logFlushMs: 50,
      logCapBytes: CAP,
      diskWatchMs: 100,
      sampleMs: 0,
      log: () => {},
    });
    const executors = await engine.executors();
    expect(executors.container.available).toBe(true);
    await engine.leading();
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(hostDir, { recursive: true, force: true });
  });

  const run = async (spec: Omit<JobSpec, "image"> & { image?: string }, timeoutMs = 60_000) => {
    const [id] = await insertJobs(t.db, world, [{ image, memoryMiB: 128, ...spec }]);
    const done = await waitForTerminal(t.db, id!, timeoutMs);
    const chunks = await t.db.logChunk.findMany({ where: { jobId: id }, orderBy: [{ stream: "asc" }, { seq: "asc" }] });
    const text = (stream: string) =>
      chunks
        .filter((c) => c.stream === stream)
        .map((c) => c.data)
        .join("");
    const attempts = await t.db.jobAttempt.findMany({ where: { jobId: id }, orderBy: { attemptNumber: "asc" } });
    return { id: id!, ...done, stdout: text("stdout"), stderr: text("stderr"), attempts };
  };

  it("runs the definition's image with its command, environment and AWS_BATCH_* variables, streams apart", async () => {
    const r = await run({
      command: [
        "sh",
        "-c",
        'echo "$GREETING from $AWS_BATCH_JOB_ID attempt $AWS_BATCH_JOB_ATTEMPT in $AWS_BATCH_JQ_NAME on $AWS_BATCH_CE_NAME"; grep -c nobody /etc/passwd; echo oops >&2; exit 3',
      ],
      environment: [{ name: "GREETING", value: "hello" }],
    });
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const env = await t.db.computeEnvironment.findUniqueOrThrow({ where: { id: world.environmentId } });
    expect(r).toMatchObject({ status: "FAILED", exitCode: 3 });
    expect(r.stdout).toBe(`hello from ${r.id} attempt 1 in ${queue.name} on ${env.name}\n1\n`);
    expect(r.stderr).toBe("oops\n");
    const enforced = JSON.parse(r.attempts[0]!.enforcedLimits);
    expect(enforced).toMatchObject({ executor: "container", image });
    // Nothing of the container is left.
    const api = new DockerApi(await socketOf(engine));
    await waitFor(
      "the container removed",
      async () => (await api.listContainers({ all: true, labels: [`batchdeck.job=${r.id}`] })).length === 0,
    );
  });

  it("stores the output of an array's child, whose id has a colon the runtime's log path cannot carry", async () => {
    // Two children of one array, at once: before, both wrote to one file named after the parent
    // and the engine, reading the file named after each child, stored nothing of either.
    const parent = randomUUID();
    const [a, b] = await Promise.all(
      [1, 2].map((i) => run({ id: `${parent}:${i}`, command: ["sh", "-c", `echo child ${i}; echo err ${i} >&2`] })),
    );
    expect(a).toMatchObject({ status: "SUCCEEDED", stdout: "child 1\n", stderr: "err 1\n" });
    expect(b).toMatchObject({ status: "SUCCEEDED", stdout: "child 2\n", stderr: "err 2\n" });
  });

  it("runs the image's own command when the job names none", async () => {
    const r = await run({ command: [] });
    expect(r).toMatchObject({ status: "SUCCEEDED", stdout: "the image CMD ran\n" });
  });

  it("runs as the definition's user, with its ulimits, a read-only root, tmpfs and shared memory size", async () => {
    const r = await run({
      command: [
        "sh",
        "-c",
        "id -u; ulimit -n; touch /rootfs-write 2>/dev/null && echo root-writable || echo root-read-only; echo x > /scratch/f && echo scratch-ok; df -m /dev/shm | tail -1 | awk '{print $2}'",
      ],
      extra: {
        user: "nobody",
        ulimits: [{ name: "nofile", softLimit: 100, hardLimit: 200 }],
        readonlyRootFilesystem: true,
        linuxParameters: { tmpfs: [{ containerPath: "/scratch", size: 16 }], sharedMemorySize: 32 },
      },
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("65534\n100\nroot-read-only\nscratch-ok\n32\n");
    expect(r.status).toBe("SUCCEEDED");
  });

  it("mounts an allowed host path, and refuses one the environment does not allow", async () => {
    const ok = await run({
      command: ["sh", "-c", "cat /data/input.txt; touch /data/x 2>/dev/null || echo read-only"],
      extra: {
        volumes: [{ name: "in", host: { sourcePath: hostDir } }],
        mountPoints: [{ sourceVolume: "in", containerPath: "/data", readOnly: true }],
      },
    });
    expect(ok).toMatchObject({ status: "SUCCEEDED", stdout: "from the host\nread-only\n" });
    const refused = await run({
      command: ["cat", "/etc/hostname"],
      extra: {
        volumes: [{ name: "etc", host: { sourcePath: "/etc" } }],
        mountPoints: [{ sourceVolume: "etc", containerPath: "/hostetc" }],
      },
    });
    expect(refused.status).toBe("FAILED");
    expect(refused.attempts[0]!.reason).toMatch(/^CannotStartContainerError: .*\/etc/);
  });

  it("refuses a privileged container on an environment that does not allow it", async () => {
    const r = await run({ command: ["true"], extra: { privileged: true } });
    expect(r.status).toBe("FAILED");
    expect(r.attempts[0]!.reason).toMatch(/^CannotStartContainerError: .*privileged.*batchdeck:allowPrivileged/);
  });

  it("runs an init process as PID 1 when asked", async () => {
    const r = await run({
      command: ["sh", "-c", "cat /proc/1/comm"],
      extra: { linuxParameters: { initProcessEnabled: true } },
    });
    expect(r.status).toBe("SUCCEEDED");
    expect(r.stdout.trim()).not.toBe("sh");
  });

  it("ends a job that passes its memory with AWS's OutOfMemoryError", async () => {
    const r = await run({
      command: ["sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived"],
      memoryMiB: 32,
    });
    expect(r.status).toBe("FAILED");
    expect(r.exitCode).toBe(137);
    expect(r.attempts[0]!.reason).toBe(STATUS_REASONS.outOfMemory);
    expect(r.stdout).toBe("");
  });

  it("stops a fork bomb at the environment's process limit (64 here)", async () => {
    const forks = (n: number) => [
      "sh",
      "-c",
      `i=0; while [ $i -lt ${n} ]; do sleep 30 & i=$((i+1)); done; echo made ${n}`,
    ];
    const under = await run({ command: forks(40) });
    expect(under).toMatchObject({ status: "SUCCEEDED", stdout: "made 40\n" });
    const over = await run({ command: forks(100) });
    expect(over.status).toBe("FAILED");
    expect(over.stdout).toBe("");
    expect(over.stderr).toMatch(/can't fork/);
  });

  it("fails a pull with AWS's CannotPullContainerError, once per attempt, never forever", async () => {
    const r = await run({ image: "registry.invalid/batchdeck/none:1", command: ["true"], attempts: 2 }, 120_000);
    expect(r.status).toBe("FAILED");
    expect(r.attempts).toHaveLength(2);
    for (const a of r.attempts) expect(a.reason).toMatch(/^CannotPullContainerError: /);
  });

  it("hands the organization's secrets to the container, and fails the attempt when one is missing", async () => {
    const user = await createUser(t.db, `dev-${Date.now()}@example.com`);
    await addMembership(t.db, world.organizationId, user.id, "developer");
    const ctx = contextFor(t.db, world.organizationId, user, "developer");
    await putOrgSecret(ctx, { name: "db-password", value: "s3cr3t-value", description: "" });
    const r = await run({
      command: ["sh", "-c", 'test "$DB_PASSWORD" = s3cr3t-value && echo matched'],
      extra: { secrets: [{ name: "DB_PASSWORD", valueFrom: "db-password" }] },
    });
    expect(r).toMatchObject({ status: "SUCCEEDED", stdout: "matched\n" });
    const enforced = r.attempts[0]!.enforcedLimits;
    expect(enforced).not.toContain("s3cr3t-value");
    const missing = await run({
      command: ["true"],
      extra: { secrets: [{ name: "TOKEN", valueFrom: "no-such-secret" }] },
    });
    expect(missing.status).toBe("FAILED");
    expect(missing.attempts[0]!.reason).toMatch(/^ResourceInitializationError: .*no-such-secret/);
  });

  it("times an attempt out with SIGTERM, then SIGKILL after the grace period", async () => {
    const [id] = await insertJobs(t.db, world, [
      {
        image,
        command: ["sh", "-c", "trap 'echo got TERM; exit 143' TERM; echo up; while true; do sleep 1; done"],
        timeoutSeconds: 2,
      },
    ]);
    const done = await waitForTerminal(t.db, id!, 60_000);
    expect(done).toMatchObject({ status: "FAILED", statusReason: STATUS_REASONS.timeout });
    const out = await t.db.logChunk.findMany({ where: { jobId: id, stream: "stdout" }, orderBy: { seq: "asc" } });
    expect(out.map((c) => c.data).join("")).toBe("up\ngot TERM\n");
  });

  it("seals the job: its own processes, its own /tmp, no way to the host's loopback services", async () => {
    const server: Server = createServer((s) => s.end("host service\n"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const first = await run({ command: ["sh", "-c", "echo left-behind > /tmp/mark; echo done"] });
      expect(first.status).toBe("SUCCEEDED");
      const r = await run({
        command: [
          "sh",
          "-c",
          `ls /tmp; ps -o pid | wc -l; nc -w 2 127.0.0.1 ${port} </dev/null && echo reached || echo unreachable`,
        ],
      });
      const lines = r.stdout.trim().split("\n");
      expect(lines).not.toContain("mark");
      // ps's header, sh, ps, wc: no process of the host or of another job.
      expect(Number(lines.at(-2))).toBeLessThanOrEqual(5);
      expect(lines.at(-1)).toBe("unreachable");
    } finally {
      server.close();
    }
  });

  it("stops a container that writes past the environment's disk limit", async () => {
    const small = await seedEngineWorld(t.db, {
      tags: { ...CONTAINER, "batchdeck:diskMiB": "8" },
    });
    const [id] = await insertJobs(t.db, small, [
      { image, memoryMiB: 128, command: ["sh", "-c", "head -c 50000000 /dev/zero > /big; echo written; sleep 60"] },
    ]);
    expect(await waitForTerminal(t.db, id!, 60_000)).toMatchObject({ status: "FAILED", exitCode: 137 });
    const [attempt] = await t.db.jobAttempt.findMany({ where: { jobId: id } });
    expect(attempt!.reason).toBe(
      "DiskLimitExceeded: the container wrote more than its 8 MiB of disk (batchdeck:diskMiB)",
    );
    expect(JSON.parse(attempt!.enforcedLimits)).toMatchObject({
      disk: { mechanism: "watched", bytes: 8 * 1024 * 1024 },
    });
  });

  it("never charges the next job for shared memory a finished one filled", async () => {
    // Each of two 128 MiB jobs in turn fills 100 MB of /dev/shm: were the first one's pages still
    // charged where the second runs, the second would be killed for memory it never used.
    const fill = () =>
      run({
        command: ["sh", "-c", "head -c 100000000 /dev/zero > /dev/shm/fill && echo filled"],
        extra: { linuxParameters: { sharedMemorySize: 110 } },
      });
    expect(await fill()).toMatchObject({ status: "SUCCEEDED", stdout: "filled\n" });
    expect(await fill()).toMatchObject({ status: "SUCCEEDED", stdout: "filled\n" });
  });

  it("cannot read another job's command line, even with its parameters in it", async () => {
    const [other] = await insertJobs(t.db, world, [{ image, memoryMiB: 64, command: ["sleep", "30", "token-4f9a"] }]);
    try {
      await waitFor(
        "the other job running",
        async () => (await t.db.job.findUniqueOrThrow({ where: { id: other } })).status === "RUNNING",
      );
      const probe = await run({ command: ["sh", "-c", "cat /proc/*/cmdline 2>/dev/null | tr '\\0' ' '; echo"] });
      expect(probe.status).toBe("SUCCEEDED");
      expect(probe.stdout).not.toContain("token-4f9a");
    } finally {
      await t.db.job.update({ where: { id: other }, data: { stopRequest: "TERMINATE", stopReason: "test over" } });
    }
  });

  it("stores exactly the log limit of a flooding job, and the runtime's relay keeps its file bounded", async () => {
    const [id] = await insertJobs(t.db, world, [
      { image, command: ["sh", "-c", "head -c 100000000 /dev/zero | tr '\\0' 'x'; echo; echo end"], memoryMiB: 256 },
    ]);
    // The relay's file, sampled while the job floods it: never past the bound the relay keeps.
    const path = containerLogPath(dataDir, id!, 1);
    let largest = 0;
    const sampler = setInterval(() => {
      try {
        largest = Math.max(largest, statSync(path).size);
      } catch {
        // not created yet, or removed after the attempt
      }
    }, 2);
    let done: Awaited<ReturnType<typeof waitForTerminal>>;
    try {
      done = await waitForTerminal(t.db, id!, 120_000);
    } finally {
      clearInterval(sampler);
    }
    expect(done.status).toBe("SUCCEEDED");
    const chunks = await t.db.logChunk.findMany({ where: { jobId: id, stream: "stdout" }, orderBy: { seq: "asc" } });
    const stdout = chunks.map((c) => c.data).join("");
    const marker = truncationMarker(CAP);
    expect(stdout.endsWith(marker)).toBe(true);
    expect(stdout.slice(0, -marker.length)).toBe("x".repeat(CAP));
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(relayMaxBytes(CAP));
  });
});

async function socketOf(engine: EngineHandle): Promise<string> {
  const runtime = await engine.containerRuntime();
  if (!runtime) throw new Error("the engine has no container runtime");
  return runtime.socketPath;
}
