// What isolating jobs costs, against baselines taken in the same run. Needs root.
//
//   1. One attempt's spawn, interleaved rounds of each way of starting the same command
//      (`sh -c 'echo hi'` by default) as a uid of its own, from the spawn to its exit:
//        bare      the command alone (no cgroup, no wrapper)
//        wrapper   before the sandbox: a shell enters the cgroups, nice, then the command
//        sealed    engine/sandbox.ts: unshare + the Perl program (namespaces, mounts, cgroups,
//                  nice, uid), then the command
//        sh-chain  the same sandbox built from the usual tools (unshare + sh + mount + setpriv
//                  + nice), measured because it is the obvious alternative
//      wall time per spawn one at a time, CPU per spawn (the children's user + system time),
//      and spawns per second at the given concurrency; each with a pooled cgroup taken and
//      released as the executor does (not for bare).
//   2. The engine (production defaults; --poll-ms sets another idle poll): an array of N `true`
//      jobs end to end, from their insertion as SubmitJob leaves them to the last one's end,
//      first with jobs as the engine's own user (root: no uid switch, and so no sandbox, which
//      root would not be held by), then with a uid per attempt (sealed); and the raw
//      spawn-and-wait rate of `true` at the same concurrency, in the same run. A job that fails
//      fails the run.
//
//   node --import tsx bench/isolation-cost.ts [--jobs 2000] [--concurrency 16] [--spawns 400]
//     [--command "sh -c 'echo hi'"] [--poll-ms 20]
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startEngine } from "@/engine/engine";
import { JobIdentities, type JobIdentity, resolveJobUsers } from "@/engine/job-users";
import { CgroupPool, detectHostLimits, type HostLimits, JOB_NICE } from "@/engine/limits";
import { environmentBlock, sealedArgv, WRAPPER_PATH } from "@/engine/sandbox";
import { createDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { insertJobs, seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { report, run, spawnMany } from "./lib/harness";
import { databaseSettings, engineSettings } from "./lib/settings";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    spawns: { type: "string", default: "400" },
    command: { type: "string", default: "sh -c 'echo hi'" },
    "poll-ms": { type: "string" },
  },
});
const N = Number(values.jobs);
const C = Number(values.concurrency);
const SPAWNS = Number(values.spawns);
const ROUNDS = 5;
// Only the default's quoting is understood: enough for `sh -c '…'` or a bare word list.
const COMMAND = /^sh -c '(.*)'$/.exec(values.command)
  ? ["sh", "-c", /^sh -c '(.*)'$/.exec(values.command)![1]!]
  : values.command.split(" ");

type Variant = "bare" | "wrapper" | "sealed" | "sh-chain";
const VARIANTS: Variant[] = ["bare", "wrapper", "sealed", "sh-chain"];
/** The database and engine settings the engine runs had, printed with the figures. */
const settings = new Set<string>();

const asEnv = (env: Record<string, string>) => env as unknown as NodeJS.ProcessEnv;

/** The children's CPU time so far (user + system, ms): /proc/self/stat's cutime and cstime. */
function childCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** The brief's obvious alternative to the Perl program, with one `mount` per mount. */
const SH_CHAIN = [
  'for f in $CGROUPS; do echo 0 > "$f" || exit 125; done',
  'mount -t tmpfs -o size=10g,mode=0711 batchdeck "$W"',
  'mkdir "$W/home" "$W/tmp" && chown "$U:$U" "$W/home" && chmod 1777 "$W/tmp"',
  'mount --bind "$W/tmp" /tmp',
  "mount -t tmpfs -o mode=1777 batchdeck /dev/shm",
  "mount -o remount,bind,ro /",
  'cd "$W/home"',
  `exec /usr/bin/setpriv --reuid "$U" --regid "$U" --clear-groups /usr/bin/nice -n ${JOB_NICE} -- "$@"`,
].join("\n");

async function oneSpawn(
  host: HostLimits,
  pool: CgroupPool,
  identities: JobIdentities,
  variant: Variant,
  root: string,
): Promise<void> {
  const identity = identities.acquire() as JobIdentity;
  const attemptDir = join(root, randomUUID());
  const home = join(attemptDir, "home");
  mkdirSync(attemptDir, { mode: 0o711 });
  const sealed = variant === "sealed" || variant === "sh-chain";
  const limits = variant === "bare" ? null : pool.prepare(64, 1024, identity, sealed);
  if (!sealed) {
    mkdirSync(home, { mode: 0o700 });
    chownSync(home, identity.uid, identity.gid);
  }
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, TMPDIR: home };
  let argv: string[];
  let options: Parameters<typeof spawn>[2];
  if (variant === "sealed" && host.sandbox.available) {
    argv = sealedArgv(
      host.sandbox,
      {
        uid: identity.uid,
        gid: identity.gid,
        nice: JOB_NICE,
        cgroupProcs: limits!.procs,
        attemptDir,
        diskBytes: 10 * 1024 ** 3,
        shmBytes: 64 * 1024 ** 2,
        privateDirs: host.privateDirs,
        volumes: [],
        network: "host",
      },
      COMMAND,
    );
    options = {
      cwd: "/",
      env: asEnv({ PATH: WRAPPER_PATH }),
      stdio: ["ignore", "ignore", "inherit", "pipe"],
      detached: true,
    };
  } else if (variant === "sh-chain" && host.sandbox.available) {
    argv = [
      host.sandbox.unshare,
      ...["--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--ipc"],
      "/bin/sh",
      "-c",
      SH_CHAIN,
      "batchdeck-sh",
      ...COMMAND,
    ];
    const vars = { PATH: WRAPPER_PATH, CGROUPS: limits!.procs.join(" "), W: attemptDir, U: String(identity.uid) };
    options = { cwd: "/", env: asEnv(vars), stdio: "ignore", detached: true };
  } else {
    argv = variant === "wrapper" ? pool.wrap(limits!, COMMAND) : COMMAND;
    options = { cwd: home, env: asEnv(env), stdio: "ignore", detached: true, uid: identity.uid, gid: identity.gid };
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), options);
    const pipe = child.stdio[3] as NodeJS.WritableStream | null | undefined;
    if (pipe) {
      pipe.on("error", () => {});
      pipe.end(environmentBlock(env));
    }
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${variant}: exit ${code}`))));
  });
  if (limits) pool.release(limits);
  identities.release(identity);
  rmSync(attemptDir, { recursive: true, force: true });
}

async function spawnCosts(): Promise<[string, string][]> {
  const users = resolveJobUsers(undefined);
  const host = detectHostLimits(users);
  if (!host.sandbox.available) throw new Error(`this host cannot seal attempts: ${host.sandbox.reason}`);
  const pool = new CgroupPool(host, `bench-${process.pid}`);
  const identities = new JobIdentities(host.users);
  // Like <dataDir>/work: traversable by the jobs' uids, not listable.
  const root = mkdtempSync(join("/var/lib", "batchdeck-bench-"));
  chmodSync(root, 0o711);
  const totals = Object.fromEntries(VARIANTS.map((v) => [v, { wallMs: 0, cpuMs: 0, n: 0, parallelMs: 0, pn: 0 }]));
  try {
    console.log(
      `spawns: ${ROUNDS} interleaved rounds of ${SPAWNS / ROUNDS} per way, one at a time, then ${C} at a time …`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of VARIANTS) {
        const t = totals[variant]!;
        const per = SPAWNS / ROUNDS;
        const cpu0 = childCpuMs();
        const t0 = performance.now();
        for (let i = 0; i < per; i++) await oneSpawn(host, pool, identities, variant, root);
        t.wallMs += performance.now() - t0;
        t.cpuMs += childCpuMs() - cpu0;
        t.n += per;
        let next = 0;
        const p0 = performance.now();
        await Promise.all(
          Array.from({ length: C }, async () => {
            while (next++ < per) await oneSpawn(host, pool, identities, variant, root);
          }),
        );
        t.parallelMs += performance.now() - p0;
        t.pn += per;
      }
    }
  } finally {
    pool.close();
    rmSync(root, { recursive: true, force: true });
  }
  const bare = totals.bare!;
  return VARIANTS.map((v) => {
    const t = totals[v]!;
    const wall = t.wallMs / t.n;
    const cpu = t.cpuMs / t.n;
    const extra =
      v === "bare"
        ? ""
        : `  (+${(wall - bare.wallMs / bare.n).toFixed(2)} ms, +${(cpu - bare.cpuMs / bare.n).toFixed(2)} ms CPU)`;
    return [
      `spawn ${v}`,
      `${wall.toFixed(2)} ms wall, ${cpu.toFixed(2)} ms CPU per spawn${extra}; ${((t.pn / t.parallelMs) * 1000).toFixed(0)}/s at ${C}`,
    ];
  });
}

async function engineRate(runAsUser: null | undefined): Promise<{ rate: number; failed: number; limits: string }> {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  await migrate(url);
  const db = createDb(url);
  const world = await seedEngineWorld(db, { maxVcpus: C, memoryMiB: C * 1024 });
  const options = {
    databaseUrl: url,
    dataDir: join(dir, "data"),
    sampleMs: 0,
    runAsUser,
    log: () => {},
    ...(values["poll-ms"] ? { pollMs: Number(values["poll-ms"]) } : {}),
  };
  settings.add(`database: ${await databaseSettings(db, "sqlite")}`);
  settings.add(`engine: ${engineSettings({ ...options, runAsUser: undefined })}; once with jobs as its own user`);
  const engine = startEngine({ db, provider: "sqlite", ...options });
  await engine.leading();
  try {
    // An array of N `true` jobs: the parent, then its children as SubmitJob leaves them.
    const start = performance.now();
    const parentId = randomUUID();
    await insertJobs(db, world, [{ id: parentId, command: [], status: "PENDING", arraySize: N }]);
    for (let i = 0; i < N; i += 500) {
      await insertJobs(
        db,
        world,
        Array.from({ length: Math.min(500, N - i) }, (_, k) => ({
          id: `${parentId}:${i + k}`,
          arrayParentId: parentId,
          arrayIndex: i + k,
          command: ["true"],
          memoryMiB: 64,
        })),
      );
    }
    const children = { arrayParentId: parentId };
    for (;;) {
      const done = await db.job.count({ where: { ...children, status: { in: ["SUCCEEDED", "FAILED"] } } });
      if (done >= N) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const elapsed = (performance.now() - start) / 1000;
    const attempt = await db.jobAttempt.findFirstOrThrow({ where: { jobId: `${parentId}:0` } });
    const failed = await db.job.count({ where: { ...children, status: "FAILED" } });
    if (failed > 0) throw new Error(`${failed} of ${N} jobs failed: the rate would count failures as work done`);
    return { rate: N / elapsed, failed, limits: attempt.enforcedLimits };
  } finally {
    await engine.stop();
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error("a uid per attempt needs root: run this as root");
  const spawns = await spawnCosts();
  console.log(`raw spawn-and-wait of true at concurrency ${C} …`);
  const rawBefore = (N / (await spawnMany(["true"], N, C))) * 1000;
  console.log(`engine: an array of ${N} true jobs at concurrency ${C}, as the engine's user (root, unsealed) …`);
  const shared = await engineRate(null);
  console.log("the same with a uid per attempt, sealed …");
  const own = await engineRate(undefined);
  const rawAfter = (N / (await spawnMany(["true"], N, C))) * 1000;
  const raw = (rawBefore + rawAfter) / 2;
  const sealed = JSON.parse(own.limits) as { pidNamespace?: boolean };
  for (const line of settings) console.log(line);
  report(`isolation cost (${COMMAND.join(" ")} per spawn; ${N} × true through the engine)`, [
    ...spawns,
    [
      "raw spawn-and-wait (true)",
      `${raw.toFixed(0)}/s  (${rawBefore.toFixed(0)} before, ${rawAfter.toFixed(0)} after)`,
    ],
    [
      "engine, engine's user",
      `${shared.rate.toFixed(0)} jobs/s  (${shared.failed} failed; ${((shared.rate / raw) * 100).toFixed(1)}% of raw)`,
    ],
    [
      `engine, uid per attempt${sealed.pidNamespace ? ", sealed" : ""}`,
      `${own.rate.toFixed(0)} jobs/s  (${own.failed} failed; ${((own.rate / raw) * 100).toFixed(1)}% of raw, ${((own.rate / shared.rate) * 100).toFixed(1)}% of the engine's user)`,
    ],
  ]);
}

// Exits once the figures are out, as the other benchmarks do: something of the engine runs kept it
// alive after them.
run(main);
