// The head of a queue as AWS Batch treats it: a RUNNABLE job that cannot start says why in AWS's
// terms (statusReason MISCONFIGURATION:… or CAPACITY:…), and jobStateTimeLimitActions cancel the
// head, and only the head, once it has waited that long for the reason the action names.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineHandle } from "@/engine/engine";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld, startTestEngine, waitFor, waitForTerminal } from "../helpers/engine-fixtures";

const action = (reason: string) =>
  JSON.stringify([{ reason, state: "RUNNABLE", maxTimeSeconds: 600, action: "CANCEL" }]);

describe.each(PROVIDERS)("the head of a queue on %s", (provider) => {
  let t: TestDatabase;
  let engine: EngineHandle;
  let dataDir: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-head-"));
    engine = await startTestEngine(t, provider, dataDir, { headOfQueueMs: 200 });
  });
  afterAll(async () => {
    await engine.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const reasonOf = async (id: string) =>
    (await t.db.job.findUniqueOrThrow({ where: { id }, select: { statusReason: true } })).statusReason;

  it("names a head no environment can ever run, and cancels it after the action's time", async () => {
    const world = await seedEngineWorld(t.db, {
      maxVcpus: 2,
      memoryMiB: 1024,
      queuePatch: { jobStateTimeLimitActions: action("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT") },
    });
    const long = Date.now() - 700_000;
    const [head, behind, fresh] = await insertJobs(t.db, world, [
      // More memory than the environment has: waiting will not help.
      { command: ["true"], memoryMiB: 4096, createdAt: long, runnableAt: long },
      { command: ["true"], memoryMiB: 4096, createdAt: long + 1, runnableAt: long + 1 },
      { command: ["true"], memoryMiB: 4096 },
    ]);
    expect(await waitForTerminal(t.db, head!, 20_000)).toMatchObject({
      status: "FAILED",
      statusReason: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
    });
    // The next one becomes the head and has waited as long: it goes the same way, a round later.
    expect(await waitForTerminal(t.db, behind!, 20_000)).toMatchObject({ status: "FAILED" });
    // The last is the head now, blocked for the same reason but not for long enough: it stays,
    // and says why.
    const reason = await waitFor("the new head's reason", async () => {
      const r = await reasonOf(fresh!);
      return r?.startsWith("MISCONFIGURATION:") ? r : null;
    });
    expect(reason).toMatch(/^MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - /);
    expect((await t.db.job.findUniqueOrThrow({ where: { id: fresh! } })).status).toBe("RUNNABLE");
  });

  it("says a head that wants more vCPUs than any environment has is a misconfiguration of the environment", async () => {
    const world = await seedEngineWorld(t.db, { maxVcpus: 2 });
    const [id] = await insertJobs(t.db, world, [{ command: ["true"], vcpus: 8 }]);
    const reason = await waitFor("the head's reason", () => reasonOf(id!), 20_000);
    expect(reason).toMatch(/^MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - The job needs 8 vCPUs/);
  });

  it("says a head waiting for room is short of capacity, acts only on jobs at the head, and only for the named reason", async () => {
    const world = await seedEngineWorld(t.db, {
      maxVcpus: 1,
      queuePatch: { jobStateTimeLimitActions: action("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT") },
    });
    const long = Date.now() - 700_000;
    const [running, head, behind] = await insertJobs(t.db, world, [
      { command: ["sleep", "3"], createdAt: long, runnableAt: long },
      // Both have waited past the action's time, but for capacity, not for the action's reason.
      { command: ["true"], createdAt: long + 1, runnableAt: long + 1 },
      { command: ["true"], memoryMiB: 100_000, createdAt: long + 2, runnableAt: long + 2 },
    ]);
    await waitFor(
      "the first job to run",
      async () => (await t.db.job.findUniqueOrThrow({ where: { id: running! } })).status === "RUNNING",
    );
    const reason = await waitFor(
      "the head's reason",
      async () => {
        const r = await reasonOf(head!);
        return r?.startsWith("CAPACITY:") ? r : null;
      },
      20_000,
    );
    expect(reason).toMatch(/^CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - /);
    // The job behind the head could never run and has waited long enough, but it is not the
    // head: AWS acts on the head alone.
    expect(await reasonOf(behind!)).toBeNull();
    expect((await t.db.job.findUniqueOrThrow({ where: { id: behind! } })).status).toBe("RUNNABLE");
    // Once the first ends the head runs, and the reason it carried goes with the start.
    expect(await waitForTerminal(t.db, head!, 30_000)).toMatchObject({ status: "SUCCEEDED" });
    // Now the one behind is the head, blocked for the action's reason: cancelled.
    expect(await waitForTerminal(t.db, behind!, 20_000)).toMatchObject({
      status: "FAILED",
      statusReason: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
    });
  });
});
