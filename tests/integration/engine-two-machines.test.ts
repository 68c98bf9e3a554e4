// The hosted topology: engines on two machines (two BATCHDECK_HOST_IDs here, one real host),
// one PostgreSQL. The leading engine's process is killed, not its machine: its containers keep
// running there. The engine that takes over elsewhere must not retry those attempts while they
// run: it waits until the first machine has stopped them (its engine, restarted by its
// supervisor, does so before anything else), then retries. At no moment do two containers of one
// job run at once.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "@/engine/containers/create-spec";
import { DockerApi } from "@/engine/containers/docker-api";
import { STATUS_REASONS } from "@/lib/batch/states";
import { freshDatabase, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  spawnEngineProcess,
  stopEngineProcess,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { ensureTestImage } from "../helpers/test-image";

const api = () => new DockerApi(process.env.BATCHDECK_CONTAINER_HOST!.slice("unix://".length));

describe("an engine process killed on one machine of two (postgresql)", () => {
  let t: TestDatabase;
  let world: EngineWorld;
  let image: string;
  const dirs: string[] = [];
  const engines: ChildProcess[] = [];

  beforeAll(async () => {
    image = await ensureTestImage();
    t = await freshDatabase("postgresql");
    world = await seedEngineWorld(t.db, { maxVcpus: 8, tags: { "batchdeck:executor": "container" } });
  }, 120_000);
  afterAll(async () => {
    for (const e of engines) await stopEngineProcess(e);
    await t?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const engine = (id: string, machine: string) => {
    const dir = mkdtempSync(join(tmpdir(), `batchdeck-${machine}-`));
    dirs.push(dir);
    const child = spawnEngineProcess(t.url, dir, id, { BATCHDECK_HOST_ID: machine });
    engines.push(child);
    return child;
  };
  const leader = async () => (await t.db.engineLease.findUnique({ where: { name: "leader" } }))?.holder;

  it("retries the dead engine's attempts only once their machine has stopped them", async () => {
    // The first attempt runs until it is stopped; the retry ends at once.
    const ids = await insertJobs(
      t.db,
      world,
      [0, 1, 2].map(() => ({
        image,
        attempts: 2,
        command: [
          "sh",
          "-c",
          'if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then sleep 120; fi; echo attempt $AWS_BATCH_JOB_ATTEMPT',
        ],
      })),
    );
    const a = engine("engine-a", "machine-a");
    await waitFor("engine-a to lead", async () => (await leader()) === "engine-a", 60_000);
    engine("engine-b", "machine-b");
    await waitFor(
      "every job running on machine-a",
      async () => (await t.db.job.count({ where: { id: { in: ids }, status: "RUNNING" } })) === ids.length,
      60_000,
    );

    // Watch the runtime: which containers of these jobs run, on which machine, at every moment.
    let overlap: string | null = null;
    let retriedBeforeClean = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const running = await api().listContainers({ labels: [LABELS.job] });
        const perJob = new Map<string, string[]>();
        for (const c of running) {
          const job = c.Labels?.[LABELS.job];
          if (!job || !ids.includes(job)) continue;
          perJob.set(job, [...(perJob.get(job) ?? []), c.Labels?.[LABELS.host] ?? "?"]);
        }
        for (const [job, hosts] of perJob) if (hosts.length > 1) overlap ??= `${job}: ${hosts.join(", ")}`;
        // Read after the list: a retry seen above while machine-a is still not clean came first.
        const clean = await t.db.engineLease.findUnique({ where: { name: "host:machine-a" } });
        if (!clean) retriedBeforeClean += [...perJob.values()].flat().filter((h) => h === "machine-b").length;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    a.kill("SIGKILL");
    await waitFor("engine-b to lead", async () => (await leader()) === "engine-b", 60_000);
    // engine-b leads and keeps checking (every second) whether it may retry; machine-a's
    // containers still run, so it must not. Several of its heartbeats pass before machine-a's
    // engine comes back.
    const heartbeat = async () =>
      Number((await t.db.engineLease.findUnique({ where: { name: "leader" } }))?.heartbeatAt);
    const since = await heartbeat();
    await waitFor("a few heartbeats of engine-b", async () => (await heartbeat()) - since >= 3_000, 60_000);
    expect(await t.db.job.count({ where: { id: { in: ids }, status: "RUNNING", leaseOwner: "engine-a" } })).toBe(3);
    expect((await api().listContainers({ labels: [`${LABELS.host}=machine-a`] })).length).toBeGreaterThanOrEqual(3);

    // machine-a's engine is back (its supervisor restarts it): it stops what its dead
    // predecessor left, and engine-b then retries.
    expect(await t.db.engineLease.findUnique({ where: { name: "host:machine-a" } })).toBeNull();
    engine("engine-a2", "machine-a");
    await waitFor(
      "machine-a marked clean",
      () => t.db.engineLease.findUnique({ where: { name: "host:machine-a" } }),
      60_000,
    );
    for (const id of ids) {
      expect(await waitForTerminal(t.db, id, 60_000)).toMatchObject({ status: "SUCCEEDED" });
      const attempts = await t.db.jobAttempt.findMany({ where: { jobId: id }, orderBy: { attemptNumber: "asc" } });
      expect(attempts).toHaveLength(2);
      expect(attempts[0]).toMatchObject({
        engineId: "engine-a",
        statusReason: STATUS_REASONS.hostTerminated("engine-a"),
      });
      expect(attempts[1]).toMatchObject({ engineId: "engine-b", exitCode: 0 });
    }
    watching = false;
    await watcher;
    expect(overlap).toBeNull();
    expect(retriedBeforeClean).toBe(0);
  }, 240_000);
});
