// An engine killed with SIGKILL leaves its containers running (the runtime supervises them); the
// engine that leads next adopts them: their output keeps flowing into the stored log from where
// the dead engine stopped, nothing twice, and their own exit code is recorded, not a lost host.
// Containers of attempts that have ended are removed, so none outlives its job.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "@/engine/containers/create-spec";
import { DockerApi } from "@/engine/containers/docker-api";
import { installId } from "@/engine/install-id";
import { STATUS_REASONS } from "@/lib/batch/states";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
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

const socket = () => {
  const host = process.env.BATCHDECK_CONTAINER_HOST;
  if (!host?.startsWith("unix://")) throw new Error("the tests' global setup provides BATCHDECK_CONTAINER_HOST");
  return host.slice("unix://".length);
};

describe.each(PROVIDERS)("containers across an engine crash on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let dataDir: string;
  let image: string;
  let engine: ChildProcess | null = null;
  const api = () => new DockerApi(socket());

  beforeAll(async () => {
    image = await ensureTestImage();
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-adopt-"));
    world = await seedEngineWorld(t.db, { tags: { "batchdeck:executor": "container" } });
  }, 120_000);
  afterAll(async () => {
    await stopEngineProcess(engine);
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const containersOf = async (jobId: string) => api().listContainers({ all: true, labels: [`${LABELS.job}=${jobId}`] });
  const stdoutOf = async (jobId: string) =>
    (await t.db.logChunk.findMany({ where: { jobId, stream: "stdout" }, orderBy: { seq: "asc" } }))
      .map((c) => c.data)
      .join("");
  const start = (id: string) => {
    engine = spawnEngineProcess(t.url, dataDir, id);
  };
  const kill = async () => {
    engine?.kill("SIGKILL");
    await new Promise((r) => engine?.once("exit", r));
    engine = null;
  };

  it("adopts a running container: every line stored once, in order, and its own exit code", async () => {
    const lines = 40;
    const [id] = await insertJobs(t.db, world, [
      {
        image,
        command: ["sh", "-c", `i=1; while [ $i -le ${lines} ]; do echo line $i; i=$((i+1)); sleep 0.1; done; exit 7`],
      },
    ]);
    start("adopt-a");
    // Killed mid-run: some lines stored, more to come.
    await waitFor("a few lines stored", async () => (await stdoutOf(id!)).includes("line 5\n"), 60_000);
    await kill();
    const [running] = await containersOf(id!);
    expect(running?.State).toBe("running");
    // The container carries on while no engine runs: its own log gets lines the dead engine
    // never stored, which the next one must pick up from where the stored log stops.
    const storedAtKill = Number(/line (\d+)\n$/.exec(await stdoutOf(id!))?.[1] ?? 0);
    const { LogPath } = await api().inspectContainer(running!.Id);
    await waitFor(
      "lines written while no engine runs",
      async () => new RegExp(` line ${storedAtKill + 3}$`, "m").test(readFileSync(LogPath!, "utf8")),
      30_000,
    );
    start("adopt-b");
    const done = await waitForTerminal(t.db, id!, 60_000);
    expect(done).toMatchObject({
      status: "FAILED",
      exitCode: 7,
      statusReason: STATUS_REASONS.essentialContainerExited,
    });
    const expected = Array.from({ length: lines }, (_, i) => `line ${i + 1}\n`).join("");
    expect(await stdoutOf(id!)).toBe(expected);
    const attempts = await t.db.jobAttempt.findMany({ where: { jobId: id } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ exitCode: 7, engineId: "adopt-a" });
    await waitFor("the container removed", async () => (await containersOf(id!)).length === 0, 15_000);
    await stopEngineProcess(engine);
    engine = null;
  });

  it("records a container that ended while no engine ran, with its whole output", async () => {
    const [id] = await insertJobs(t.db, world, [
      { image, command: ["sh", "-c", "echo before; sleep 2; echo after; echo err >&2"] },
    ]);
    start("adopt-c");
    await waitFor("the job running", async () => (await stdoutOf(id!)).includes("before"), 60_000);
    await kill();
    await waitFor(
      "the container to end on its own",
      async () => (await containersOf(id!))[0]?.State === "exited",
      30_000,
    );
    start("adopt-d");
    expect(await waitForTerminal(t.db, id!, 60_000)).toMatchObject({ status: "SUCCEEDED", exitCode: 0 });
    expect(await stdoutOf(id!)).toBe("before\nafter\n");
    const stderr = await t.db.logChunk.findMany({ where: { jobId: id, stream: "stderr" } });
    expect(stderr.map((c) => c.data).join("")).toBe("err\n");
    await waitFor("the container removed", async () => (await containersOf(id!)).length === 0, 15_000);
    await stopEngineProcess(engine);
    engine = null;
  });

  it("removes a container whose attempt has ended, and never another installation's", async () => {
    const [id] = await insertJobs(t.db, world, [{ image, command: ["true"] }]);
    await t.db.job.update({ where: { id }, data: { status: "SUCCEEDED", attemptCount: 1 } });
    const stray = await api().createContainer(
      {
        Image: image,
        Cmd: ["sleep", "300"],
        Labels: {
          [LABELS.job]: id!,
          [LABELS.attempt]: "1",
          [LABELS.engine]: "gone",
          [LABELS.install]: await installId(t.db),
        },
        HostConfig: {
          Ulimits: [
            { Name: "nofile", Soft: 1024, Hard: 1024 },
            { Name: "nproc", Soft: 1024, Hard: 1024 },
          ],
        },
      },
      `batchdeck-stray-${id!.slice(0, 8)}`,
    );
    await api().startContainer(stray.Id);
    // Another installation's container, sharing the runtime: not this engine's to touch.
    const foreign = await api().createContainer(
      {
        Image: image,
        Cmd: ["sleep", "300"],
        Labels: { [LABELS.job]: id!, [LABELS.attempt]: "1", [LABELS.install]: "another-installation" },
        HostConfig: {
          Ulimits: [
            { Name: "nofile", Soft: 1024, Hard: 1024 },
            { Name: "nproc", Soft: 1024, Hard: 1024 },
          ],
        },
      },
      `batchdeck-foreign-${id!.slice(0, 8)}`,
    );
    await api().startContainer(foreign.Id);
    try {
      start("adopt-e");
      await waitFor(
        "the stray container removed",
        async () => (await containersOf(id!)).every((c) => c.Id === foreign.Id),
        60_000,
      );
      expect((await t.db.job.findUniqueOrThrow({ where: { id } })).status).toBe("SUCCEEDED");
      expect((await api().inspectContainer(foreign.Id)).State.Running).toBe(true);
    } finally {
      await api().removeContainer(foreign.Id, { force: true });
    }
  });
});
