// Which executor runs an environment's jobs, and never a silent fallback: on an engine without a
// container runtime, an environment tagged `batchdeck:executor=container` takes no jobs (they stay
// RUNNABLE, and "why isn't it running" says why), a tag-less one runs processes; a hosted install
// without a runtime runs nothing in a tag-less environment. /api/health says which executors exist.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EngineHandle, startEngine } from "@/engine/engine";
import { readHealth } from "@/lib/health";
import { explainJob } from "@/lib/jobs/explain-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { insertJobs, seedEngineWorld, waitFor, waitForTerminal } from "../helpers/engine-fixtures";
import { addMembership, contextFor, createUser } from "../helpers/fixtures";

describe.each(PROVIDERS)("executor choice on %s", (provider) => {
  let t: TestDatabase;
  let engine: EngineHandle | null = null;
  let dataDir: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (options: { hosted?: boolean }) => {
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-choice-"));
    engine = startEngine({
      db: t.db,
      provider,
      databaseUrl: t.url,
      dataDir,
      containerHost: "none",
      pollMs: 10,
      leaseRenewMs: 100,
      leaseTtlMs: 1_000,
      sampleMs: 0,
      log: () => {},
      ...options,
    });
    await engine.leading();
    // The leader publishes its executors with its heartbeat.
    await waitFor("the executors published", async () => (await readHealth(t.db)).engine.executors);
  };

  const explain = async (organizationId: string, jobId: string) => {
    const user = await createUser(t.db, `viewer-${jobId.slice(0, 8)}@example.com`);
    await addMembership(t.db, organizationId, user.id, "submitter");
    return explainJob(contextFor(t.db, organizationId, user, "submitter"), { jobId });
  };

  it("keeps a container environment's jobs RUNNABLE with the reason, and runs a tag-less one's as processes", async () => {
    await start({});
    const health = await readHealth(t.db);
    expect(health.engine.executors).toEqual({ container: null, process: true, default: "process" });

    const containers = await seedEngineWorld(t.db, { tags: { "batchdeck:executor": "container" } });
    const [waiting] = await insertJobs(t.db, containers, [{ command: ["true"] }]);
    const plain = await seedEngineWorld(t.db, { tags: {} });
    const [ran] = await insertJobs(t.db, plain, [{ command: ["sh", "-c", "echo ran"] }]);
    expect(await waitForTerminal(t.db, ran!)).toMatchObject({ status: "SUCCEEDED" });
    const attempt = await t.db.jobAttempt.findFirstOrThrow({ where: { jobId: ran } });
    expect(JSON.parse(attempt.enforcedLimits)).toMatchObject({ executor: "process" });

    expect((await t.db.job.findUniqueOrThrow({ where: { id: waiting } })).status).toBe("RUNNABLE");
    const env = await t.db.computeEnvironment.findUniqueOrThrow({ where: { id: containers.environmentId } });
    const why = await explain(containers.organizationId, waiting!);
    expect(why.reasons).toContainEqual({
      kind: "NO_EXECUTOR",
      environment: env.name,
      wanted: "container",
      reason: "container runtime disabled (BATCHDECK_CONTAINER_HOST=none)",
    });
    // Not "disabled" as well, and not "next to start".
    expect(why.reasons.map((r) => r.kind)).not.toContain("ENVIRONMENT_DISABLED");
    expect(why.reasons.map((r) => r.kind)).not.toContain("NEXT");
  });

  it("runs nothing in a tag-less environment of a hosted install without a runtime", async () => {
    await start({ hosted: true });
    expect((await readHealth(t.db)).engine.executors).toEqual({ container: null, process: true, default: null });
    const world = await seedEngineWorld(t.db, { tags: {} });
    const [waiting] = await insertJobs(t.db, world, [{ command: ["true"] }]);
    const processes = await seedEngineWorld(t.db, { tags: { "batchdeck:executor": "process" } });
    const [ran] = await insertJobs(t.db, processes, [{ command: ["true"] }]);
    expect(await waitForTerminal(t.db, ran!)).toMatchObject({ status: "SUCCEEDED" });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: waiting } })).status).toBe("RUNNABLE");
    const why = await explain(world.organizationId, waiting!);
    expect(why.reasons.find((r) => r.kind === "NO_EXECUTOR")).toMatchObject({ wanted: null });
  });
});
