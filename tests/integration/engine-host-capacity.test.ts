// Capacity is the machine's, not each environment's: environments of two organizations that each
// promise more than the machine has never together run more than its cores × the overcommit
// factor, and a GPU id both list goes to one job at a time; "why isn't it running" says the
// machine is what is full.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineHandle } from "@/engine/engine";
import { newId } from "@/lib/ids";
import { explainJob } from "@/lib/jobs/explain-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld, startTestEngine, waitFor, waitForTerminal } from "../helpers/engine-fixtures";
import { contextFor, createUser } from "../helpers/fixtures";

describe.each(PROVIDERS)("the engine's machine bounds every environment on %s", (provider) => {
  let t: TestDatabase;
  let engine: EngineHandle;
  let dataDir: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-host-capacity-"));
    engine = await startTestEngine(t, provider, dataDir, {
      leaseRenewMs: 100,
      // A machine of one core, no overcommit: one vCPU for everyone.
      hostCores: 1,
      vcpuOvercommit: 1,
      hostMemoryMiB: 64 * 1024,
    });
  });
  afterAll(async () => {
    await engine.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function intervals(ids: string[]) {
    const rows = await t.db.job.findMany({ where: { id: { in: ids } }, select: { startedAt: true, stoppedAt: true } });
    return rows.map((r) => [Number(r.startedAt), Number(r.stoppedAt)] as const).sort((a, b) => a[0] - b[0]);
  }

  it("runs one job at a time when two organizations' environments each promise four vCPUs", async () => {
    const mine = await seedEngineWorld(t.db, { maxVcpus: 4 });
    const theirs = await seedEngineWorld(t.db, { maxVcpus: 4 });
    const [first] = await insertJobs(t.db, mine, [{ command: ["sleep", "1.5"] }]);
    await waitFor("the first job to run", async () => {
      const j = await t.db.job.findUniqueOrThrow({ where: { id: first! } });
      return j.status === "RUNNING";
    });
    const [second] = await insertJobs(t.db, theirs, [{ command: ["sleep", "0.2"] }]);

    // While the first holds the machine, the second's environment is empty yet it waits: the
    // explanation names the machine.
    const viewer = await createUser(t.db, `viewer-${newId().slice(0, 8)}@example.com`);
    const ctx = await contextFor(t.db, theirs.organizationId, viewer, "submitter");
    const why = await explainJob(ctx, { jobId: second! });
    expect(why.status).toBe("RUNNABLE");
    expect(why.reasons).toContainEqual({ kind: "HOST_SHORT", resource: "VCPU", requested: 1, free: 0, max: 1 });
    expect(why.reasons.map((r) => r.kind)).not.toContain("RESOURCE_SHORT");
    expect(why.reasons.map((r) => r.kind)).not.toContain("NEXT");

    for (const id of [first!, second!]) expect((await waitForTerminal(t.db, id, 30_000)).status).toBe("SUCCEEDED");
    const [a, b] = await intervals([first!, second!]);
    expect(b![0]).toBeGreaterThanOrEqual(a![1]);

    // Finished, it still says which environment it ran on (the job page links it).
    const environment = await t.db.computeEnvironment.findUniqueOrThrow({ where: { id: theirs.environmentId } });
    expect((await explainJob(ctx, { jobId: second! })).environment).toBe(environment.name);
  });

  it("hands a GPU two environments list to one job at a time", async () => {
    // Half a vCPU each: the machine's one vCPU fits both, so only the shared device keeps them apart.
    const one = await seedEngineWorld(t.db, { maxVcpus: 4, gpuIds: ["0"] });
    const other = await seedEngineWorld(t.db, { maxVcpus: 4, gpuIds: ["0"] });
    const ids = [
      ...(await insertJobs(t.db, one, [{ command: ["sleep", "0.8"], vcpus: 0.5, gpus: 1 }])),
      ...(await insertJobs(t.db, other, [{ command: ["sleep", "0.8"], vcpus: 0.5, gpus: 1 }])),
    ];
    for (const id of ids) expect((await waitForTerminal(t.db, id, 30_000)).status).toBe("SUCCEEDED");
    const [a, b] = await intervals(ids);
    expect(b![0]).toBeGreaterThanOrEqual(a![1]);
  });
});
