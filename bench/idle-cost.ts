// What an idle Batchdeck costs (issue 20): CPU used by each of its processes while nothing
// happens, measured from outside, with the processes started as `npm start` starts them
// (bench/lib/production.ts): one production web server, a leader engine and a standby engine
// (a second engine process on the same database, which stays standby), on a fresh database
// seeded with an organization, a compute environment (4 vCPUs, process executor), a queue and a
// job definition.
//
//   1. idle: once the leader is reported leading by GET /api/health and the standby has had
//      --settle-seconds to settle, each process's CPU (utime + stime from /proc/<pid>/stat, all
//      threads, with any descendants: bench/lib/proc-cpu.ts) over a --seconds window;
//   2. one job waiting: a job submitted through /v1 (SubmitJob, AWS SDK) asking for more vCPUs
//      than the environment has, so it stays RUNNABLE for ever; the same window again.
//
// Baseline, same run, same windows, measured in parallel: a plain idle `node` process
// (`node -e "setInterval(() => {}, 1000)"`). On PostgreSQL the database server's processes are
// measured too (the engines' polling costs there as well), without a target.
// Target (issue 20): ≤ 1% of one core for each process, idle and with the waiting job.
//
//   npm run bench:idle-cost -- [--seconds 60] [--settle-seconds 10] [--postgres | --both] [--pg-fsync-off]
//
// The engines run with their defaults but without a container runtime (BATCHDECK_CONTAINER_HOST
// =none: no Podman service is started beside them; no job runs anyway). The benchmark fails if
// the leader is not reported leading, if leadership changes hands during a window, if any
// process exits, or if the waiting job leaves RUNNABLE.
import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { SubmitJobCommand } from "@aws-sdk/client-batch";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
// @ts-expect-error plain ESM helper without type declarations
import { freePort } from "../scripts/lib/pg-cluster.mjs";
import { noteSetting, openDatabase, report, run, runOnBothDatabases, sleep } from "./lib/harness";
import { findPostmaster, TICKS_PER_SECOND, treeCpu } from "./lib/proc-cpu";
import {
  engineProcessSettings,
  ensureBuilt,
  type Managed,
  onCleanup,
  readHealth,
  startEngineProcess,
  startWebServer,
  stopAll,
  v1Client,
  waitHealthy,
  waitLeading,
} from "./lib/production";
import { worldNames } from "./lib/submit";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    "settle-seconds": { type: "string", default: "10" },
    postgres: { type: "boolean", default: false },
    both: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
runOnBothDatabases();
const SECONDS = Number(values.seconds);
const SETTLE_SECONDS = Number(values["settle-seconds"]);
const TARGET_PERCENT = 1;
const MAX_VCPUS = 4;
const LEADER = "idle-cost-leader";
const STANDBY = "idle-cost-standby";

interface Measured {
  label: string;
  pid: number;
  /** Held to the target (the baseline and the database server are not). */
  target: boolean;
}

interface Figure extends Measured {
  ticks: number;
  seconds: number;
  /** Command names of the descendants, at whichever end of the window there were more. */
  descendants: string[];
}

/** Every process's CPU over one window of `seconds`, all read at the same two moments. */
async function window(processes: Measured[], seconds: number): Promise<Figure[]> {
  const pids = processes.map((p) => p.pid);
  const before = treeCpu(pids);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = treeCpu(pids);
  const elapsed = (performance.now() - t0) / 1000;
  return processes.map((p) => {
    const a = after.get(p.pid)!;
    if (!a.alive) throw new Error(`${p.label} (pid ${p.pid}) exited during the window`);
    return {
      ...p,
      ticks: a.ticks - before.get(p.pid)!.ticks,
      seconds: elapsed,
      descendants:
        a.descendants.length >= before.get(p.pid)!.descendants.length ? a.descendants : before.get(p.pid)!.descendants,
    };
  });
}

/** "esbuild", "9 postgres": the descendants' command names, counted. */
function countNames(names: string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${c} ${n}` : n)).join(", ");
}

const percentOf = (f: Figure) => (100 * f.ticks) / TICKS_PER_SECOND / f.seconds;

/** The window's table: process, CPU-seconds, % of a core, target met, ratio to the baseline. */
function table(title: string, figures: Figure[]): string[] {
  const baseline = figures.find((f) => f.label.startsWith("baseline"))!;
  const rows = figures.map((f) => {
    let vsBaseline = "1×";
    if (f !== baseline) {
      if (baseline.ticks > 0) vsBaseline = `${(f.ticks / baseline.ticks).toFixed(1)}×`;
      else vsBaseline = f.ticks === 0 ? "— (both 0 ticks)" : `> ${f.ticks}× (baseline < 1 tick)`;
    }
    return [
      f.label + (f.descendants.length > 0 ? ` (with ${countNames(f.descendants)})` : ""),
      String(f.pid),
      (f.ticks / TICKS_PER_SECOND).toFixed(2),
      `${percentOf(f).toFixed(2)}%`,
      f.target ? (percentOf(f) <= TARGET_PERCENT ? "yes" : "NO") : "—",
      vsBaseline,
    ];
  });
  const head = ["process", "pid", "CPU-s", "% of a core", `≤ ${TARGET_PERCENT}%`, "× baseline"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [``, `${title}, ${figures[0]!.seconds.toFixed(1)} s window:`, line(head), ...rows.map(line)];
}

async function main() {
  ensureBuilt();
  const d = await openDatabase(values.postgres);
  onCleanup(() => d.close());
  const failures: string[] = [];
  try {
    const world = await seedEngineWorld(d.db, { maxVcpus: MAX_VCPUS, memoryMiB: 4096 });
    const names = await worldNames(d, world);
    const port = (await freePort()) as number;
    const base = `http://127.0.0.1:${port}`;
    console.log(`idle cost on ${d.provider}: web server, leader and standby engines; ${SECONDS} s windows …`);
    const web = startWebServer(d, port);
    const leader = startEngineProcess(d, LEADER);
    await waitHealthy(base, web.child);
    const led = await waitLeading(base, leader);
    const standby = startEngineProcess(d, STANDBY);
    const idleNode = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    onCleanup(() => {
      if (idleNode.exitCode === null) idleNode.kill("SIGKILL");
    });
    await sleep(SETTLE_SECONDS * 1000);

    /** The leader still leads, with the term it had, and no process has gone. */
    const checkLeadership = async (when: string) => {
      const h = await readHealth(base);
      if (h.engine.status !== "ok" || h.engine.leader !== LEADER || h.engine.leaderSince !== led.engine.leaderSince) {
        throw new Error(
          `${when}: ${LEADER} no longer reported leading since ${led.engine.leaderSince}: ${JSON.stringify(h.engine)}`,
        );
      }
      for (const m of [web, leader, standby] as Managed[]) {
        if (!m.running()) throw new Error(`${when}: ${m.name} exited:\n${m.tail()}`);
      }
      return h;
    };
    const h = await checkLeadership("before the first window");
    const processes: Measured[] = [
      { label: "leader engine", pid: leader.pid, target: true },
      { label: "standby engine", pid: standby.pid, target: true },
      { label: "web server", pid: web.pid, target: true },
      { label: "baseline: idle node", pid: idleNode.pid!, target: false },
    ];
    if (d.provider === "postgresql") {
      const postmaster = findPostmaster(Number(new URL(d.url).port));
      if (postmaster) processes.push({ label: "PostgreSQL server", pid: postmaster, target: false });
      else console.log("(the PostgreSQL server's processes were not found: not measured)");
    }
    console.log(
      `${LEADER} leads (health: ${h.engine.status}, heartbeat ${h.engine.ageSeconds} s old, executors ${JSON.stringify(h.engine.executors)}); ${STANDBY} stands by`,
    );
    const loadBefore = loadavg()[0]!;

    console.log(`phase 1: idle, ${SECONDS} s …`);
    const idle = await window(processes, SECONDS);
    await checkLeadership("after the idle window");

    // A job that can never fit: more vCPUs than the environment has. Through /v1, as a user
    // submits (an engine woken by submissions is woken by this one too).
    const batch = await v1Client(d, world.organizationId, base);
    const { jobId } = await batch.send(
      new SubmitJobCommand({
        jobName: "never-fits",
        jobQueue: names.queue,
        jobDefinition: names.definition,
        containerOverrides: {
          command: ["true"],
          resourceRequirements: [
            { type: "VCPU", value: String(MAX_VCPUS * 16) },
            { type: "MEMORY", value: "64" },
          ],
        },
      }),
    );
    batch.destroy();
    const statusOf = async () =>
      (await d.db.job.findUniqueOrThrow({ where: { id: jobId! }, select: { status: true } })).status;
    await sleep(SETTLE_SECONDS * 1000);
    if ((await statusOf()) !== "RUNNABLE") throw new Error(`the waiting job is ${await statusOf()}, not RUNNABLE`);
    console.log(`phase 2: one RUNNABLE job needing ${MAX_VCPUS * 16} of ${MAX_VCPUS} vCPUs, ${SECONDS} s …`);
    const waiting = await window(processes, SECONDS);
    await checkLeadership("after the waiting window");
    const after = await statusOf();
    if (after !== "RUNNABLE") throw new Error(`the waiting job left RUNNABLE during the window (${after})`);

    for (const [phase, figures] of [
      ["idle", idle],
      ["one job waiting", waiting],
    ] as const) {
      for (const f of figures) {
        if (f.target && percentOf(f) > TARGET_PERCENT)
          failures.push(`${phase}: ${f.label} ${percentOf(f).toFixed(2)}%`);
      }
    }
    noteSetting("engines", `${engineProcessSettings(d)}; ${LEADER} leads, ${STANDBY} stands by`);
    noteSetting("web server", "server/web-server.ts, NODE_ENV production, no requests during the windows");
    noteSetting(
      "machine",
      `${availableParallelism()} cores, shared; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after; CPU in ${1000 / TICKS_PER_SECOND} ms ticks`,
    );
    report(`idle cost (${d.provider}, ${SECONDS} s windows)`, [
      [
        "leadership",
        `${LEADER} reported leading by /api/health throughout (since ${new Date(led.engine.leaderSince!).toISOString()})`,
      ],
      ["waiting job", `${jobId} RUNNABLE throughout phase 2 (needs ${MAX_VCPUS * 16} vCPUs of ${MAX_VCPUS})`],
      [
        "target (issue 20)",
        `≤ ${TARGET_PERCENT}% of a core per process: ${failures.length === 0 ? "met" : `NOT met (${failures.join("; ")})`}`,
      ],
    ]);
    for (const line of [...table("idle", idle), ...table("one job waiting", waiting)]) console.log(line);
  } finally {
    await stopAll();
  }
}

run(main);
