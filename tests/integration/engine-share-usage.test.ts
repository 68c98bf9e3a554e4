// Fair-share usage outlives the engine: a share that has just run a lot stays behind the others
// after the leader is killed and another takes over (AWS keeps usage across its scheduler's
// restarts; Batchdeck's leader saves it, engine/share-usage.ts).
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineHandle } from "@/engine/engine";
import { newId } from "@/lib/ids";
import { getJobQueueSnapshot } from "@/lib/jobs/queue-snapshot";
import { readSavedUsage, shareKey } from "@/lib/jobs/share-usage-row";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  spawnEngineProcess,
  startTestEngine,
  stopEngineProcess,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { contextFor, createUser } from "../helpers/fixtures";

describe.each(PROVIDERS)("fair-share usage across engines on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let dataDir: string;
  let killed: ChildProcess | null = null;
  let successor: EngineHandle | null = null;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-share-usage-"));
    // One vCPU: the engine starts one job at a time, so the order shows which share it favours.
    world = await seedEngineWorld(t.db, { maxVcpus: 1 });
    const policyId = newId();
    await t.db.schedulingPolicy.create({
      data: {
        id: policyId,
        organizationId: world.organizationId,
        name: `fs-${policyId.slice(0, 6)}`,
        arn: `arn:aws:batch:us-east-1:000000000000:scheduling-policy/fs-${policyId.slice(0, 6)}`,
        fairsharePolicy: JSON.stringify({ shareDecaySeconds: 3600, computeReservation: 0, shareDistribution: [] }),
      },
    });
    await t.db.jobQueue.update({ where: { id: world.queueId }, data: { schedulingPolicyId: policyId } });
  });
  afterAll(async () => {
    await stopEngineProcess(killed);
    await successor?.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps a busy share behind after the leader is killed", async () => {
    // Share "a" runs three jobs under the first engine, which is then killed without warning.
    killed = spawnEngineProcess(t.url, dataDir, `share-usage-${newId().slice(0, 6)}`);
    const busy = await insertJobs(
      t.db,
      world,
      Array.from({ length: 3 }, () => ({ command: ["true"], shareIdentifier: "a" })),
    );
    for (const id of busy) expect((await waitForTerminal(t.db, id, 60_000)).status).toBe("SUCCEEDED");
    const saved = await waitFor(
      "the leader to save share a's usage",
      async () => (await readSavedUsage(t.db)).get(shareKey(world.queueId, "a")),
      15_000,
    );
    expect(saved.value).toBeGreaterThan(2.9);
    killed.kill("SIGKILL");
    await new Promise((r) => killed!.once("exit", r));

    // Share "a" asks first; share "b" has run nothing. Level shares would start "a"'s job first
    // (older, and first by name); the saved usage puts "b" ahead, in the snapshot and the engine.
    const base = Date.now();
    const [fromA, fromB] = await insertJobs(t.db, world, [
      { command: ["sleep", "0.2"], shareIdentifier: "a", createdAt: base - 10, runnableAt: base - 10 },
      { command: ["sleep", "0.2"], shareIdentifier: "b", createdAt: base, runnableAt: base },
    ]);
    const viewer = await createUser(t.db, `viewer-${newId().slice(0, 8)}@example.com`);
    const ctx = await contextFor(t.db, world.organizationId, viewer, "submitter");
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const snapshot = await getJobQueueSnapshot(ctx, { jobQueue: queue.name });
    expect(snapshot.frontOfQueue.jobs.map((j) => j.jobArn.split("/").pop())).toEqual([fromB, fromA]);

    successor = await startTestEngine(t, provider, dataDir, { leaseTtlMs: 800 });
    for (const id of [fromA!, fromB!]) expect((await waitForTerminal(t.db, id, 60_000)).status).toBe("SUCCEEDED");
    const started = await t.db.job.findMany({
      where: { id: { in: [fromA!, fromB!] } },
      select: { id: true, startedAt: true },
    });
    const at = new Map(started.map((j) => [j.id, Number(j.startedAt)]));
    expect(at.get(fromB!)!).toBeLessThan(at.get(fromA!)!);
  });
});
