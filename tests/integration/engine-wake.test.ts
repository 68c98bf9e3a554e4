// The engine starts work when it is told, not when it polls. Its safety-net poll is set an hour
// away, so each job below runs only if the right wake-up reached the engine: a submission
// (PostgreSQL NOTIFY, or the SQLite wake file set by this process: the engine is a process of
// its own), an attempt ending (its slot is free), an outcome committed (a dependent released),
// a terminate request, an environment made larger (what the scheduler caches of it is stale).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgContext } from "@/lib/auth/context";
import { newId } from "@/lib/ids";
import { stopJobs } from "@/lib/jobs/stop-jobs";
import { submitJob } from "@/lib/jobs/submit-job";
import { parseEngineStats } from "@/lib/metrics/engine-stats";
import { updateComputeEnvironment } from "@/lib/resources/compute-environments/update-compute-environment";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  jobStatus,
  seedEngineWorld,
  spawnEngineProcess,
  stopEngineProcess,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { addMembership, contextFor, createUser } from "../helpers/fixtures";
import { seedDefinition } from "../helpers/job-fixtures";

const AN_HOUR = 3_600_000;
const resources = (vcpus: number) => [
  { type: "VCPU" as const, value: String(vcpus) },
  { type: "MEMORY" as const, value: "64" },
];

describe.each(PROVIDERS)("the engine is woken on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let ctx: OrgContext;
  let dataDir: string;
  let engine: ReturnType<typeof spawnEngineProcess> | null = null;
  const engineId = `wake-${newId().slice(0, 8)}`;
  let queue: string;
  let environment: string;

  const submit = async (command: string[], extra: { vcpus?: number; dependsOn?: string[] } = {}) => {
    const { jobId } = await submitJob(ctx, {
      jobName: `wake-${newId().slice(0, 6)}`,
      jobQueue: queue,
      jobDefinition: "wake",
      containerOverrides: { command, resourceRequirements: resources(extra.vcpus ?? 1) },
      dependsOn: extra.dependsOn?.map((jobId) => ({ jobId })),
    });
    return jobId;
  };

  /** Passes and wake-ups the leader has published with its heartbeat. */
  const figures = async () => {
    const lease = await t.db.engineLease.findUnique({ where: { name: "leader" } });
    return parseEngineStats(lease?.stats);
  };

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-wake-"));
    world = await seedEngineWorld(t.db, { maxVcpus: 1, memoryMiB: 1024 });
    await seedDefinition(t.db, world.organizationId, {
      name: "wake",
      containerProperties: { image: "busybox", command: ["true"], resourceRequirements: resources(1) },
    });
    const user = await createUser(t.db, `wake-${newId().slice(0, 6)}@example.com`);
    await addMembership(t.db, world.organizationId, user.id, "admin");
    ctx = contextFor(t.db, world.organizationId, user, "admin");
    queue = (await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } })).name;
    environment = (await t.db.computeEnvironment.findUniqueOrThrow({ where: { id: world.environmentId } })).name;
    engine = spawnEngineProcess(t.url, dataDir, engineId, {
      BATCHDECK_ENGINE_POLL_MS: String(AN_HOUR),
      BATCHDECK_ENGINE_KILL_GRACE_MS: "500",
      BATCHDECK_CONTAINER_HOST: "none",
    });
    await waitFor("the engine to lead", async () => (await figures())?.engineId === engineId, 60_000);
  });
  afterAll(async () => {
    await stopEngineProcess(engine);
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts a submitted job at once", async () => {
    const id = await submit(["true"]);
    expect(await waitForTerminal(t.db, id)).toMatchObject({ status: "SUCCEEDED", exitCode: 0 });
  });

  it("starts the next job when a slot frees, and a dependent when its dependency ends", async () => {
    // One vCPU: the second job waits for the first one's slot, the third for the second's outcome.
    const first = await submit(["sleep", "0.3"]);
    const second = await submit(["sleep", "0.3"]);
    const third = await submit(["true"], { dependsOn: [second] });
    for (const id of [first, second, third]) {
      expect(await waitForTerminal(t.db, id)).toMatchObject({ status: "SUCCEEDED" });
    }
    const attempts = await t.db.jobAttempt.findMany({
      where: { jobId: { in: [first, second, third] } },
      orderBy: { startedAt: "asc" },
    });
    expect(attempts.map((a) => a.jobId)).toEqual([first, second, third]);
  });

  it("stops a running job when it is asked to", async () => {
    const id = await submit(["sleep", "300"]);
    await waitFor("the job to run", async () => (await jobStatus(t.db, id)).status === "RUNNING");
    const result = await stopJobs(ctx, [id], "stopped by the wake test", "TERMINATE");
    expect(result.errors).toEqual([]);
    expect(await waitForTerminal(t.db, id)).toMatchObject({
      status: "FAILED",
      statusReason: "stopped by the wake test",
    });
  });

  it("re-reads an environment made larger and starts the job that did not fit", async () => {
    const id = await submit(["true"], { vcpus: 2 });
    // The submission's pass has looked at the job and found no room for it.
    await waitFor("a pass after the submission", async () => {
      const f = await figures();
      return f && f.passDurationSeconds.count > 0 && (await jobStatus(t.db, id)).status === "RUNNABLE";
    });
    await updateComputeEnvironment(ctx, { computeEnvironment: environment, computeResources: { maxvCpus: 2 } });
    expect(await waitForTerminal(t.db, id)).toMatchObject({ status: "SUCCEEDED" });
  });

  it("publishes its wake-ups, from outside and its own, for /api/metrics", async () => {
    // Every job above needed both kinds (wake-ups close together may arrive as one); the figures
    // arrive with the next heartbeat.
    const f = await waitFor("the leader's figures", async () => {
      const s = await figures();
      return s?.wakeups && s.wakeups.internal > 0 ? s : null;
    });
    expect(f.wakeups!.external).toBeGreaterThan(0);
  });
});
