// Leadership and crash safety with real engine processes: one leader at a time, a standby
// taking over, and kill -9 in the middle of a job followed by recovery on restart.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EngineHandle, startEngine } from "@/engine/engine";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld, waitFor, waitForTerminal } from "../helpers/engine-fixtures";

const root = join(import.meta.dirname, "../..");

function spawnEngine(url: string, dataDir: string, engineId: string): ChildProcess {
  // `node --import tsx` rather than the tsx binary: one process, so SIGKILL hits the engine
  // itself and not a wrapper that would leave it running.
  const child = spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      BATCHDECK_DATA_DIR: dataDir,
      BATCHDECK_ENGINE_ID: engineId,
      BATCHDECK_ENGINE_POLL_MS: "10",
      BATCHDECK_ENGINE_LEASE_RENEW_MS: "200",
      BATCHDECK_ENGINE_LEASE_TTL_MS: "1000",
      BATCHDECK_ENGINE_SAMPLE_MS: "0",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return child;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(safeRead(`/proc/${pid}/stat`));
function safeRead(path: string) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

describe.each(PROVIDERS)("engine leadership and recovery on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let dataDir: string;
  const inProcess: EngineHandle[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db, { maxVcpus: 4 });
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-lead-"));
  });
  afterAll(async () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill("SIGKILL");
        await new Promise((r) => c.once("exit", r));
      }
    }
    for (const e of inProcess) await e.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const engine = (engineId: string) => {
    const e = startEngine({
      db: t.db,
      provider,
      databaseUrl: t.url,
      dataDir,
      engineId,
      pollMs: 10,
      leaseRenewMs: 100,
      leaseTtlMs: 600,
      killGraceMs: 200,
      sampleMs: 0,
      log: () => {},
    });
    inProcess.push(e);
    return e;
  };
  const engineOf = async (jobId: string) =>
    (await t.db.jobAttempt.findFirstOrThrow({ where: { jobId }, orderBy: { attemptNumber: "desc" } })).engineId;

  it("one engine leads; a standby runs nothing until it takes over", async () => {
    const a = engine(`A-${provider}`);
    await a.leading();
    const b = engine(`B-${provider}`);
    const [first] = await insertJobs(t.db, world, [{ command: ["true"] }]);
    await waitForTerminal(t.db, first!);
    expect(await engineOf(first!)).toBe(`A-${provider}`);
    expect(b.isLeader()).toBe(false);

    await a.stop();
    await b.leading();
    const [second] = await insertJobs(t.db, world, [{ command: ["true"] }]);
    await waitForTerminal(t.db, second!);
    expect(await engineOf(second!)).toBe(`B-${provider}`);
    await b.stop();
  });

  it("after kill -9 mid-job, a restarted engine kills the leftover process, records host-terminated and retries", async () => {
    const [id] = await insertJobs(t.db, world, [
      {
        command: [
          "sh",
          "-c",
          'if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then sleep 60; fi; echo attempt $AWS_BATCH_JOB_ATTEMPT',
        ],
        attempts: 2,
      },
    ]);
    const crashed = spawnEngine(t.url, dataDir, `crash-${provider}`);
    children.push(crashed);
    const attempt = await waitFor(
      "first attempt running",
      async () => {
        const a = await t.db.jobAttempt.findFirst({ where: { jobId: id, attemptNumber: 1 } });
        return a?.pid ? a : null;
      },
      30_000,
    );
    const jobPid = attempt.pid!;
    expect(alive(jobPid)).toBe(true);
    crashed.kill("SIGKILL");
    await new Promise((r) => crashed.once("exit", r));
    // The orphaned job process outlives its engine until someone cleans up.
    expect((await t.db.job.findUniqueOrThrow({ where: { id } })).status).toBe("RUNNING");

    const restarted = spawnEngine(t.url, dataDir, `restart-${provider}`);
    children.push(restarted);
    const done = await waitForTerminal(t.db, id!, 30_000);
    expect(done.status).toBe("SUCCEEDED");
    expect(alive(jobPid)).toBe(false);
    const attempts = await t.db.jobAttempt.findMany({ where: { jobId: id }, orderBy: { attemptNumber: "asc" } });
    expect(attempts.map((a) => [a.attemptNumber, a.statusReason])).toEqual([
      [1, `Host EC2 (instance crash-${provider}) terminated.`],
      [2, "Essential container in task exited"],
    ]);
    expect(attempts[1]!.engineId).toBe(`restart-${provider}`);
    restarted.kill("SIGTERM");
    await new Promise((r) => restarted.once("exit", r));
  }, 60_000);
});
