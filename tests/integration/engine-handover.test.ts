// Hosted mode's failover: two engine processes against one database, jobs submitted the whole
// time, and the leader (read from the EngineLease "leader" row, as /api/health reports it)
// killed with SIGKILL several times, a fresh standby started after each kill so the lead
// alternates between processes. Checked: the standby takes over (the time from the kill to
// its lease, and to its first started attempt, is printed with the lease settings, not
// asserted), every job submitted ends in
// exactly one terminal state, and no attempt of a job ever runs while another is still alive.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld, waitFor } from "../helpers/engine-fixtures";
import { hostVolume } from "../helpers/host-volume";

const root = join(import.meta.dirname, "../..");
const KILLS = 4;
/** Shortened leases, so a handover fits a test; printed with the figures. */
const LEASE = { renewMs: 200, ttlMs: 1_000 };
/** How long to wait for a takeover before calling it lost: a hang guard, not a figure. */
const GIVE_UP_MS = 60_000;
// Exits 99 if another attempt of the same job is still alive (a double run); see
// engine-crash.test.ts. Each attempt outlives a kill, so an orphan left running would be caught.
const GUARDED = [
  "sh",
  "-c",
  'L="$LOCKS/$AWS_BATCH_JOB_ID"; touch "$L" 2>/dev/null; exec 9<"$L"; flock -n 9 || exit 99; sleep 1',
];

function spawnEngine(url: string, dataDir: string, engineId: string): ChildProcess {
  // `node --import tsx`: one process, so SIGKILL hits the engine itself.
  return spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      BATCHDECK_DATA_DIR: dataDir,
      BATCHDECK_ENGINE_ID: engineId,
      BATCHDECK_ENGINE_POLL_MS: "10",
      BATCHDECK_ENGINE_LEASE_RENEW_MS: String(LEASE.renewMs),
      BATCHDECK_ENGINE_LEASE_TTL_MS: String(LEASE.ttlMs),
      BATCHDECK_ENGINE_SAMPLE_MS: "0",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

interface Engine {
  child: ChildProcess;
  /** Its output, shown when the test fails. */
  output: string[];
  /** Resolves once it is up and waiting for leadership (a live standby). */
  ready: Promise<void>;
}

const exited = (c: ChildProcess) =>
  new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once("exit", r)));

describe.each(PROVIDERS)("engine handover on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let dataDir: string;
  let locks: string;
  const engines = new Map<string, Engine>();

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-handover-"));
    locks = mkdtempSync(join(tmpdir(), "batchdeck-handover-locks-"));
    chmodSync(locks, 0o777);
    // Sealed jobs see /tmp as their own: the locks are a host volume the environment allows.
    world = await seedEngineWorld(t.db, {
      maxVcpus: 8,
      tags: { "batchdeck:executor": "process", "batchdeck:hostPaths": locks },
    });
  });
  afterAll(async () => {
    for (const { child } of engines.values()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM"); // gracefully: a stopped engine removes its cgroups
        await exited(child);
      }
    }
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(locks, { recursive: true, force: true });
  });

  const start = (engineId: string) => {
    const child = spawnEngine(t.url, dataDir, engineId);
    const output: string[] = [];
    const ready = new Promise<void>((resolve) => {
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (text: string) => {
        output.push(
          ...text
            .split("\n")
            .filter(Boolean)
            .map((l) => `${engineId}: ${l}`),
        );
        if (text.includes("waiting for leadership")) resolve();
      });
    });
    engines.set(engineId, { child, output, ready });
    return ready;
  };
  const showOutput = () => {
    for (const e of engines.values()) console.log(e.output.slice(-30).join("\n"));
  };
  const leaderRow = () => t.db.engineLease.findUnique({ where: { name: "leader" } });

  it("a SIGKILLed leader is replaced by the standby, with every job finished once", async () => {
    await Promise.all([start(`ho-${provider}-0`), start(`ho-${provider}-1`)]);
    let next = 2;

    // Submissions never stop while leaders die.
    const ids: string[] = [];
    let submitting = true;
    const submitter = (async () => {
      while (submitting) {
        ids.push(
          ...(await insertJobs(
            t.db,
            world,
            Array.from({ length: 1 }, () => ({
              command: GUARDED,
              attempts: 10,
              environment: [{ name: "LOCKS", value: locks }],
              extra: hostVolume(locks),
            })),
          )),
        );
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    const handovers: { lease: number; firstStart: number }[] = [];
    const leaders: string[] = [];
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        // The leader, once it is running jobs.
        const held = await waitFor(
          "a leader running jobs",
          async () => {
            const row = await leaderRow();
            if (!row || !engines.has(row.holder)) return null;
            const running = await t.db.jobAttempt.count({ where: { engineId: row.holder, stoppedAt: null } });
            return running > 0 ? row : null;
          },
          30_000,
        );
        const leader = held.holder;
        leaders.push(leader);
        const victim = engines.get(leader)!.child;
        const killedAt = Date.now();
        victim.kill("SIGKILL");
        await exited(victim);

        // Any holder other than the victim took the lease after the row above was read. On a
        // starved host the victim's SQLite lease can run out just before the kill, and the
        // standby's takeover (stamped with the time it began) lands a moment after it: that
        // handover took no time after the kill, and counts as 0.
        const successor = await waitFor(
          `the standby to take the lead after kill ${kill + 1} (of ${leader})`,
          async () => {
            const row = await leaderRow();
            return row && row.holder !== leader && row.acquiredAt > held.acquiredAt ? row : null;
          },
          GIVE_UP_MS,
          10,
        );
        const leaseMs = Math.max(0, Number(successor.acquiredAt) - killedAt);
        const firstStart = await waitFor(
          "the new leader to start a job",
          async () =>
            t.db.jobAttempt.findFirst({
              where: { engineId: successor.holder, startedAt: { gte: successor.acquiredAt } },
              orderBy: { startedAt: "asc" },
            }),
          GIVE_UP_MS,
          10,
        );
        const startMs = Math.max(0, Number(firstStart.startedAt) - killedAt);
        handovers.push({ lease: leaseMs, firstStart: startMs });
        expect(engines.has(successor.holder)).toBe(true);
        // A new standby in place of the dead leader (as start:prod's restart would do), live
        // before the next kill so the handover measured is the standby's, not its boot.
        await start(`ho-${provider}-${next++}`);
      }
    } catch (error) {
      showOutput();
      throw error;
    } finally {
      submitting = false;
      await submitter;
    }

    // The figures README.md cites; the product's own defaults are a 1 s renewal and a 5 s lease
    // (SQLite; PostgreSQL's advisory lock is released when the leader's connection drops).
    console.log(
      `[handover ${provider}] lease renew ${LEASE.renewMs} ms, TTL ${LEASE.ttlMs} ms, poll 10 ms; ${KILLS} kills; ` +
        `kill → lease taken: ${handovers.map((h) => h.lease).join(", ")} ms; ` +
        `kill → first job started by the new leader: ${handovers.map((h) => h.firstStart).join(", ")} ms; ` +
        `${ids.length} jobs submitted`,
    );
    // The lead alternated between processes: every kill hit a different engine.
    expect(new Set(leaders).size).toBe(KILLS);

    const terminal = () => t.db.job.count({ where: { id: { in: ids }, status: { in: ["SUCCEEDED", "FAILED"] } } });
    await waitFor("every submitted job to finish", async () => (await terminal()) === ids.length, 120_000, 200);

    const jobs = await t.db.job.findMany({
      where: { id: { in: ids } },
      include: { attempts: { orderBy: { attemptNumber: "asc" } } },
    });
    expect(jobs).toHaveLength(ids.length);
    let cutOff = 0;
    for (const job of jobs) {
      const describeJob = () =>
        JSON.stringify({ ...job, container: undefined }, (_, v) => (typeof v === "bigint" ? Number(v) : v));
      expect(job.status, describeJob()).toBe("SUCCEEDED");
      expect(job.attempts.length).toBe(job.attemptCount);
      expect(job.attempts.map((a) => a.attemptNumber)).toEqual(job.attempts.map((_, i) => i + 1));
      for (const [i, a] of job.attempts.entries()) {
        expect(a.exitCode).not.toBe(99);
        expect(a.stoppedAt).not.toBeNull();
        if (a.statusReason !== "Essential container in task exited") {
          expect(a.statusReason).toMatch(/^Host EC2 \(instance ho-.*\) terminated\.$/);
          cutOff++;
        }
        // Attempts follow one another: the next starts after this one was recorded as stopped.
        const following = job.attempts[i + 1];
        if (following?.startedAt != null)
          expect(Number(following.startedAt)).toBeGreaterThanOrEqual(Number(a.stoppedAt));
      }
      expect(job.attempts.at(-1)!.exitCode, describeJob()).toBe(0);
    }
    // The kills landed while jobs ran: some attempts were cut off and retried elsewhere.
    expect(cutOff).toBeGreaterThan(0);
  }, 240_000);
});
