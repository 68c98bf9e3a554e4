// Job isolation, tried from inside jobs run by the real engine process (engine/main.ts, with its
// configuration in its environment and in a .env file, like an install): a job cannot read
// Batchdeck's database file, secret key, configuration or environment, nor another job's
// working directory, processes, /tmp or /dev/shm; a PATH of its own cannot replace the wrappers
// that limit it; nothing it starts outlives its attempt; it cannot exceed its memory, processes
// or disk, leave memory charges to the next job, or reach the host's loopback with network none.
// Each verdict is the job's own exit code and output (tests/helpers/isolation-probe.mjs).
//
// Sealed jobs see the host read-only and /tmp as their own: the probe script and the marks the
// tests read are in a directory the environments allow as a host volume (batchdeck:hostPaths),
// which the jobs that need it mount at the same path.
//
// Running jobs as other uids needs root. This suite runs as root here and in CI; without root
// the uid-dependent cases are skipped by name (never counted as passing) and the engine's
// warning about it is checked instead.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEFAULT_UID_RANGE } from "@/engine/job-users";
import { JOB_NICE } from "@/engine/limits";
import { createDb, type Db } from "@/lib/db";
import { loadOrCreateKeyFile } from "@/lib/secrets";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  type JobSpec,
  seedEngineWorld,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { hostVolume } from "../helpers/host-volume";

const root = join(import.meta.dirname, "../..");
const isRoot = process.getuid?.() === 0;
const DENIED = ["EACCES", "EPERM"];
/** Writes into the host are refused by the read-only mount before permissions are looked at. */
const WRITE_DENIED = ["EACCES", "EPERM", "EROFS"];

interface Install {
  dir: string;
  dataDir: string;
  shared: string;
  probe: string;
  url: string;
  db: Db;
  secretKey: string;
  close(): Promise<void>;
}

/**
 * An install as an operator leaves it: a readable install directory with a .env file, a data
 * directory made with the default umask, the SQLite database (WAL) inside it on SQLite.
 */
async function makeInstall(provider: "sqlite" | "postgresql"): Promise<Install> {
  // Not under /tmp, where no operator keeps an install: a sealed job's /tmp is its own, and the
  // install's files must be there for it to be refused, not hidden.
  const dir = mkdtempSync(join(isRoot ? "/var/lib" : tmpdir(), "batchdeck-install-"));
  chmodSync(dir, 0o755);
  const dataDir = join(dir, "data");
  mkdirSync(dataDir, { mode: 0o755 });
  let t: TestDatabase | null = null;
  let url: string;
  let db: Db;
  if (provider === "sqlite") {
    const file = join(dataDir, "batchdeck.db");
    copyFileSync(inject("sqliteTemplate"), file);
    chmodSync(file, 0o644);
    url = `file:${file}`;
    db = createDb(url);
  } else {
    t = await freshDatabase(provider);
    url = t.url;
    db = t.db;
  }
  loadOrCreateKeyFile(dataDir);
  const secretKey = randomBytes(32).toString("hex");
  writeFileSync(join(dir, ".env"), `DATABASE_URL=${url}\nBATCHDECK_SECRET_KEY=${secretKey}\n`, { mode: 0o644 });
  // Where jobs leave marks for the test: anyone may write, and the probe script anyone may read.
  const shared = mkdtempSync(join(tmpdir(), "batchdeck-shared-"));
  chmodSync(shared, 0o1777);
  const probe = join(shared, "probe.mjs");
  copyFileSync(join(root, "tests/helpers/isolation-probe.mjs"), probe);
  chmodSync(probe, 0o644);
  return {
    dir,
    dataDir,
    shared,
    probe,
    url,
    db,
    secretKey,
    async close() {
      if (t) await t.close();
      else await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
      rmSync(shared, { recursive: true, force: true });
    },
  };
}

function startEngineProcess(install: Install, output: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href, join(root, "engine/main.ts")],
    {
      cwd: install.dir,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: join(root, "tsconfig.json"),
        DATABASE_URL: install.url,
        BATCHDECK_DATA_DIR: install.dataDir,
        BATCHDECK_SECRET_KEY: install.secretKey,
        BATCHDECK_ENGINE_POLL_MS: "10",
        BATCHDECK_ENGINE_KILL_GRACE_MS: "300",
        BATCHDECK_ENGINE_SAMPLE_MS: "0",
        BATCHDECK_ENGINE_LEASE_RENEW_MS: "200",
        BATCHDECK_ENGINE_LEASE_TTL_MS: "800",
        // Structured entries, which the start-message test reads.
        BATCHDECK_LOG_FORMAT: "json",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  return child;
}

async function stdoutOf(db: Db, jobId: string): Promise<string> {
  const chunks = await db.logChunk.findMany({ where: { jobId, stream: "stdout" }, orderBy: { seq: "asc" } });
  return chunks.map((c) => c.data).join("");
}

/** Every file and directory under `dir`, as root sees them. */
function walk(dir: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [dir];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      const sub = walk(p);
      files.push(...sub.files);
      dirs.push(...sub.dirs);
    } else files.push(p);
  }
  return { files, dirs };
}

/** Pids on the host whose environment carries `marker`. */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(marker)) out.push(Number(pid));
    } catch {
      // exited
    }
  }
  return out;
}

/** Live processes of `uid` (a zombie runs nothing; it waits for init to reap it). */
function processesOfUid(uid: number): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "latin1");
      if (/\nState:\s+Z/.test(status)) continue;
      const m = /\nUid:\s+(\d+)\s+(\d+)/.exec(status);
      if (m && (Number(m[1]) === uid || Number(m[2]) === uid)) out.push(Number(pid));
    } catch {
      // exited
    }
  }
  return out;
}

/** Mounts on the host whose source is the sandbox's (engine/sandbox.ts names them `batchdeck`). */
function hostSandboxMounts(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((line) => / - tmpfs batchdeck /.test(line));
}

/** The engine's structured log entries (lib/log.ts writes one JSON object per line). */
function engineEntries(output: string[]): Record<string, unknown>[] {
  return output
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.each(PROVIDERS)("job isolation on %s", (provider) => {
  let install: Install;
  let engine: ChildProcess;
  const engineOutput: string[] = [];
  let orgA: EngineWorld;
  let orgB: EngineWorld;
  /** Jobs that read the probe script (and write marks) mount the shared directory. */
  const shared = (spec: JobSpec, readOnly = true): JobSpec => ({
    ...spec,
    extra: hostVolume(install.shared, readOnly),
  });
  const environment = (tags: Record<string, string> = {}) =>
    seedEngineWorld(install.db, {
      maxVcpus: 8,
      tags: { "batchdeck:executor": "process", "batchdeck:hostPaths": install.shared, ...tags },
    });

  beforeAll(async () => {
    install = await makeInstall(provider);
    orgA = await environment();
    orgB = await environment();
    engine = startEngineProcess(install, engineOutput);
    await waitFor(
      "the engine to lead",
      async () => engineEntries(engineOutput).some((e) => e.msg === "leading"),
      30_000,
    );
  });
  afterAll(async () => {
    if (engine && engine.exitCode === null && engine.signalCode === null) {
      engine.kill("SIGTERM");
      await new Promise((r) => engine.once("exit", r));
    }
    await install.close();
  });

  it.runIf(isRoot)(
    "a job cannot read the database, the secret key, the configuration, the engine's environment, or other jobs' directories",
    async () => {
      const victimSecret = `victim-${randomBytes(8).toString("hex")}`;
      const victim = (world: EngineWorld) =>
        insertJobs(install.db, world, [
          shared({
            command: [process.execPath, install.probe, "victim"],
            environment: [{ name: "VICTIM_SECRET", value: victimSecret }],
          }),
        ]);
      const [sameOrg] = await victim(orgA);
      const [otherOrg] = await victim(orgB);
      const victims = await Promise.all(
        [sameOrg!, otherOrg!].map((id) =>
          waitFor(`victim ${id} to start`, async () => {
            const m = /VICTIM (.*)\n/.exec(await stdoutOf(install.db, id));
            return m ? (JSON.parse(m[1]!) as { home: string; uid: number }) : null;
          }),
        ),
      );
      // Each victim's home is in its own mount namespace: there, and not on the host's side.
      for (const v of victims) {
        const [pid] = processesOfUid(v.uid);
        expect(readFileSync(`/proc/${pid}/root${join(v.home, "secret.txt")}`, "utf8")).toBe(victimSecret);
        expect(existsSync(join(v.home, "secret.txt"))).toBe(false);
      }

      // Everything Batchdeck keeps in its data directory right now, found as root.
      const { files, dirs } = walk(install.dataDir);
      if (provider === "sqlite") {
        for (const suffix of ["", "-wal", "-shm"])
          expect(files).toContain(join(install.dataDir, `batchdeck.db${suffix}`));
      }
      expect(files).toContain(join(install.dataDir, "secret.key"));
      const victimFiles = victims.map((v) => join(v.home, "secret.txt"));
      const plan = {
        read: [...files, join(install.dir, ".env"), ...victimFiles],
        list: dirs,
        write: [install.dataDir, ...victims.map((v) => v.home)],
        enginePid: engine.pid,
        secrets: [
          install.url,
          install.secretKey,
          readFileSync(join(install.dataDir, "secret.key"), "utf8").trim(),
          victimSecret,
        ],
      };
      const planFile = join(install.shared, `plan-${randomBytes(4).toString("hex")}.json`);
      writeFileSync(planFile, JSON.stringify(plan), { mode: 0o644 });

      const [snoop] = await insertJobs(install.db, orgA, [
        shared({
          command: [process.execPath, install.probe, "snoop"],
          environment: [{ name: "PROBE_PLAN", value: planFile }],
        }),
      ]);
      const done = await waitForTerminal(install.db, snoop!, 30_000);
      const out = await stdoutOf(install.db, snoop!);
      const m = /RESULT (.*)\n/.exec(out);
      expect(m, `the probe printed no result: ${out}`).not.toBeNull();
      const result = JSON.parse(m![1]!) as {
        uid: number;
        pid: number;
        pids: number[];
        envNames: string[];
        attempts: { op: string; path: string; ok: boolean; code?: string }[];
        procsRead: number;
        ownWorks: boolean;
        leaks: string[];
      };
      expect(result.leaks).toEqual([]);
      expect(done).toMatchObject({ status: "SUCCEEDED", exitCode: 0 });
      // Batchdeck's files were there (the host is read-only to the job, not hidden) and refused;
      // what other jobs and the engine have is not even there: their homes are in their own
      // mount namespaces, their processes in other PID namespaces.
      const tried = new Map(result.attempts.map((a) => [`${a.op} ${a.path}`, a]));
      const refused = (key: string, codes: string[]) => {
        const a = tried.get(key);
        expect(a, `${key} was not tried`).toBeDefined();
        expect(a!.ok, `${key} succeeded`).toBe(false);
        expect(codes, `${key}: ${a!.code}`).toContain(a!.code);
      };
      for (const p of plan.read) refused(`read ${p}`, victimFiles.includes(p) ? ["ENOENT"] : DENIED);
      for (const p of plan.list) refused(`list ${p}`, DENIED);
      refused(`write ${install.dataDir}`, WRITE_DENIED);
      for (const v of victims) refused(`write ${v.home}`, ["ENOENT"]);
      refused(`read /proc/${engine.pid}/environ`, ["ENOENT"]);
      refused(`readlink /proc/${engine.pid}/cwd`, ["ENOENT"]);
      refused(`read /proc/${engine.pid}/cwd/.env`, ["ENOENT"]);
      expect(result.envNames.filter((n) => n === "DATABASE_URL" || n.startsWith("BATCHDECK_"))).toEqual([]);
      // Its /proc lists itself alone: the first process of its own PID namespace.
      expect(result.pids).toEqual([1]);
      expect(result.pid).toBe(1);
      expect(result.ownWorks).toBe(true);
      // Three jobs at once, three uids of their own, none of them root.
      const uids = [result.uid, ...victims.map((v) => v.uid)];
      expect(new Set(uids).size).toBe(3);
      for (const uid of uids) {
        expect(uid).toBeGreaterThanOrEqual(DEFAULT_UID_RANGE.first);
        expect(uid).toBeLessThanOrEqual(DEFAULT_UID_RANGE.last);
      }

      // The victims are terminated; afterwards no process of theirs is left, nor their directories.
      for (const id of [sameOrg!, otherOrg!]) {
        await install.db.job.update({ where: { id }, data: { stopRequest: "TERMINATE", stopReason: "done" } });
      }
      for (const id of [sameOrg!, otherOrg!]) await waitForTerminal(install.db, id);
      for (const v of victims) {
        expect(processesOfUid(v.uid)).toEqual([]);
        expect(existsSync(v.home)).toBe(false);
      }
      // Modes as the engine left them (lib/host-files.ts).
      const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
      expect(mode(install.dataDir)).toBe("711");
      expect(mode(join(install.dataDir, "work"))).toBe("711");
      expect(mode(join(install.dir, ".env"))).toBe("600");
      if (provider === "sqlite") expect(mode(join(install.dataDir, "batchdeck.db"))).toBe("600");
    },
    60_000,
  );

  it.runIf(isRoot)(
    "nothing a job starts outlives it: background, setsid, nohup, ignored SIGTERM, cleared environment, both at once, a forking loop; after success, failure, timeout and terminate",
    async () => {
      const marks = join(install.shared, `marks-${randomBytes(4).toString("hex")}`);
      mkdirSync(marks);
      chmodSync(marks, 0o1777);
      const token = `escape-${randomBytes(6).toString("hex")}`;
      // Each escapee writes <kind>.started at once and <kind>.alive three seconds later: an
      // .alive file means it outlived its job.
      const escapees = [
        `sh -c 'echo > "$M/bg.started"; sleep 3; echo > "$M/bg.alive"' &`,
        `setsid sh -c '(sh -c "echo > \\"$M/setsid.started\\"; sleep 3; echo > \\"$M/setsid.alive\\"" &) &' &`,
        `nohup sh -c 'echo > "$M/nohup.started"; sleep 3; echo > "$M/nohup.alive"' >/dev/null 2>&1 &`,
        `sh -c 'trap "" TERM HUP INT; echo > "$M/noterm.started"; sleep 3; echo > "$M/noterm.alive"' &`,
        `env -i /bin/sh -c 'echo > "$0.started"; sleep 3; echo > "$0.alive"' "$M/envless" &`,
        // Neither the process group nor the job's environment marks this one.
        `setsid env -i /bin/sh -c 'echo > "$0.started"; sleep 3; echo > "$0.alive"' "$M/hidden" &`,
        `sh -c 'echo > "$M/forker.started"; while :; do sh -c "sleep 3; echo > \\"$M/forker.alive\\"" & sleep 0.05; done' &`,
      ];
      const kinds = ["bg", "setsid", "nohup", "noterm", "envless", "hidden", "forker"];
      const script = (ending: string) =>
        [
          ...escapees,
          // Wait until every escapee is on its way, then end as asked.
          `for k in ${kinds.join(" ")}; do while [ ! -f "$M/$k.started" ]; do sleep 0.02; done; done`,
          ending,
        ].join("\n");
      const endings = {
        success: { script: "exit 0", status: "SUCCEEDED" },
        failure: { script: "exit 3", status: "FAILED" },
        timeout: { script: "trap '' TERM; sleep 30", status: "FAILED", timeoutSeconds: 1 },
        terminate: { script: "echo ready; sleep 30", status: "FAILED" },
      } as const;
      const ids: Record<string, string> = {};
      for (const [name, e] of Object.entries(endings)) {
        const dir = join(marks, name);
        mkdirSync(dir);
        chmodSync(dir, 0o1777);
        const [id] = await insertJobs(install.db, orgA, [
          shared(
            {
              command: ["sh", "-c", script(e.script)],
              environment: [
                { name: "M", value: dir },
                { name: "ESCAPE_TOKEN", value: token },
              ],
              timeoutSeconds: "timeoutSeconds" in e ? e.timeoutSeconds : undefined,
            },
            false,
          ),
        ]);
        ids[name] = id!;
      }
      await waitFor("the job to terminate to be ready", async () =>
        (await stdoutOf(install.db, ids.terminate!)).includes("ready"),
      );
      await install.db.job.update({
        where: { id: ids.terminate! },
        data: { stopRequest: "TERMINATE", stopReason: "stop" },
      });
      for (const [name, e] of Object.entries(endings)) {
        expect(await waitForTerminal(install.db, ids[name]!, 30_000), name).toMatchObject({ status: e.status });
      }
      const uids = await Promise.all(
        Object.values(ids).map(async (jobId) => {
          const a = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId } });
          return JSON.parse(a.enforcedLimits).user as number;
        }),
      );
      for (const uid of uids) expect(typeof uid).toBe("number");
      // Until every process of the jobs is gone (at once when the engine killed them all): an
      // escapee that outlived its job lives on to write its .alive file three seconds in.
      await waitFor(
        "no process of the jobs left",
        async () => processesWith(token).length === 0 && uids.every((uid) => processesOfUid(uid).length === 0),
        30_000,
      );
      for (const name of Object.keys(endings)) {
        const left = readdirSync(join(marks, name)).sort();
        expect(left, name).toEqual(kinds.map((k) => `${k}.started`).sort());
      }
    },
    60_000,
  );

  it.runIf(isRoot)(
    "nothing a job starts outlives an engine crash: recovery kills the attempt's uid before the retry runs",
    async () => {
      const dir = join(install.shared, `crash-${randomBytes(4).toString("hex")}`);
      mkdirSync(dir);
      chmodSync(dir, 0o1777);
      // Attempt 1 leaves a process that neither its process group nor its environment marks,
      // writing `alive` every 100 ms for as long as it lives; attempt 2 just succeeds.
      const [id] = await insertJobs(install.db, orgA, [
        shared(
          {
            command: [
              "sh",
              "-c",
              `if [ "$AWS_BATCH_JOB_ATTEMPT" = 1 ]; then setsid env -i /bin/sh -c 'while :; do date > "$0/alive"; sleep 0.1; done' "$D" & sleep 60; fi`,
            ],
            environment: [{ name: "D", value: dir }],
            attempts: 2,
          },
          false,
        ),
      ]);
      const first = await waitFor("attempt 1 to be recorded with its uid", async () => {
        const a = await install.db.jobAttempt.findFirst({ where: { jobId: id!, attemptNumber: 1 } });
        const uid = a ? (JSON.parse(a.enforcedLimits).user as unknown) : null;
        return typeof uid === "number" && existsSync(join(dir, "alive")) ? uid : null;
      });
      // The attempt's mounts are in its own namespace, never in the host's mount table.
      const [leftover] = processesOfUid(first);
      expect(readFileSync(`/proc/${leftover}/mountinfo`, "utf8")).toMatch(/ - tmpfs batchdeck /);
      expect(hostSandboxMounts()).toEqual([]);
      engine.kill("SIGKILL");
      await new Promise((r) => engine.once("exit", r));
      // The engine is gone and its job's leftover is not.
      expect(processesOfUid(first).length).toBeGreaterThan(0);
      engine = startEngineProcess(install, engineOutput);
      expect(await waitForTerminal(install.db, id!, 30_000)).toMatchObject({ status: "SUCCEEDED" });
      const attempts = await install.db.jobAttempt.findMany({
        where: { jobId: id! },
        orderBy: { attemptNumber: "asc" },
      });
      expect(attempts.map((a) => a.statusReason)).toEqual([
        expect.stringMatching(/^Host EC2 .* terminated\.$/),
        "Essential container in task exited",
      ]);
      expect(JSON.parse(attempts[1]!.enforcedLimits).user).not.toBe(first);
      // Killed by recovery before the retry ran: `alive` was last written before attempt 2
      // started, and no process of attempt 1's uid is left to write it again.
      expect(statSync(join(dir, "alive")).mtimeMs).toBeLessThanOrEqual(Number(attempts[1]!.startedAt));
      expect(processesOfUid(first)).toEqual([]);
      // Nothing of the dead attempt is left: no process carrying its job id (the root-owned
      // unshare that held its namespaces included), and no mount on the host's side.
      expect(processesWith(`AWS_BATCH_JOB_ID=${id}`)).toEqual([]);
      expect(hostSandboxMounts()).toEqual([]);
    },
    60_000,
  );

  it.runIf(isRoot)(
    "a PATH in the job's environment cannot replace the wrappers that limit it; the job's own command still resolves through it",
    async () => {
      // Programs named like every wrapper, planted where anyone may write (as an earlier job
      // could have): each leaves a mark if it ever runs.
      const bin = join(install.shared, `bin-${randomBytes(4).toString("hex")}`);
      const marks = join(install.shared, `hijack-${randomBytes(4).toString("hex")}`);
      mkdirSync(bin, { mode: 0o755 });
      mkdirSync(marks);
      chmodSync(marks, 0o1777);
      for (const name of ["nice", "prlimit", "unshare", "perl", "setpriv", "sh", "env", "mount", "kill"]) {
        writeFileSync(join(bin, name), `#!/bin/sh\necho ${name} >> "${marks}/ran"\n`, { mode: 0o755 });
      }
      writeFileSync(join(bin, "hello-from-path"), "#!/bin/sh\necho \"hello nice=$(cut -d' ' -f19 /proc/$$/stat)\"\n", {
        mode: 0o755,
      });
      const [id] = await insertJobs(install.db, orgA, [
        shared(
          {
            command: ["hello-from-path"],
            environment: [{ name: "PATH", value: `${bin}:/usr/local/bin:/usr/bin:/bin` }],
            memoryMiB: 64,
          },
          false,
        ),
      ]);
      const done = await waitForTerminal(install.db, id!, 30_000);
      expect(existsSync(join(marks, "ran")) ? readFileSync(join(marks, "ran"), "utf8") : "").toBe("");
      expect(done).toMatchObject({ status: "SUCCEEDED", exitCode: 0 });
      expect(await stdoutOf(install.db, id!)).toBe(`hello nice=${JOB_NICE}\n`);
      const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: id } });
      expect(JSON.parse(attempt.enforcedLimits)).toMatchObject({
        nice: JOB_NICE,
        memory: { bytes: 64 * 1024 * 1024 },
        pidNamespace: true,
        mountNamespace: true,
        privateTmp: true,
        network: "host",
      });
    },
    40_000,
  );

  it.runIf(isRoot)(
    "/proc lists a job's own processes only: another job's command line (its Ref:: parameters) and environment stay out of reach",
    async () => {
      const secret = `param-${randomBytes(8).toString("hex")}`;
      const [victim] = await insertJobs(install.db, orgB, [
        {
          command: ["sh", "-c", "echo up; sleep 30", `--token=${secret}`],
          environment: [{ name: "VICTIM_SECRET", value: secret }],
        },
      ]);
      await waitFor("the victim to run", async () => (await stdoutOf(install.db, victim!)).includes("up"));
      const [snoop] = await insertJobs(install.db, orgA, [
        {
          command: [
            "sh",
            "-c",
            'echo "pids: $(ls -d /proc/[0-9]* | tr "\\n" " ")"; for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ; do tr "\\0" " " < "$f" 2>/dev/null; echo; done',
          ],
        },
      ]);
      expect(await waitForTerminal(install.db, snoop!, 30_000)).toMatchObject({ status: "SUCCEEDED" });
      const out = await stdoutOf(install.db, snoop!);
      await install.db.job.update({ where: { id: victim! }, data: { stopRequest: "TERMINATE", stopReason: "done" } });
      await waitForTerminal(install.db, victim!);
      expect(out).not.toContain(secret);
      // Its shell (PID 1), the ls in the substitution, and the tr and the shell's own subshell at most.
      const pids = /pids: (.*)\n/.exec(out)![1]!.trim().split(" ");
      expect(pids.length).toBeLessThanOrEqual(4);
      expect(pids).toContain("/proc/1");
    },
    40_000,
  );

  it.runIf(isRoot)(
    "nothing a job leaves in /tmp, /var/tmp, /dev/shm or /run/lock outlives it, and the rest of the host is read-only to it",
    async () => {
      const token = randomBytes(6).toString("hex");
      const name = `left-${token}`;
      const places = ["/tmp", "/var/tmp", "/dev/shm", "/run/lock"].filter((d) => existsSync(d));
      // A world-writable directory elsewhere on the host, like the container layers' tmp/ found here.
      const elsewhere = mkdtempSync(join("/var/lib", "batchdeck-isolation-"));
      chmodSync(elsewhere, 0o1777);
      try {
        const [writer] = await insertJobs(install.db, orgA, [
          {
            command: [
              "sh",
              "-c",
              `for d in ${places.join(" ")}; do echo "$S" > "$d/${name}" || exit 7; done; if echo x > "${elsewhere}/planted" 2>/dev/null; then echo WROTE-ELSEWHERE; fi; echo written`,
            ],
            environment: [{ name: "S", value: `secret-${token}` }],
          },
        ]);
        expect(await waitForTerminal(install.db, writer!, 30_000)).toMatchObject({ status: "SUCCEEDED" });
        expect(await stdoutOf(install.db, writer!)).toBe("written\n");
        const [reader] = await insertJobs(install.db, orgB, [
          {
            command: [
              "sh",
              "-c",
              `for d in ${places.join(" ")}; do cat "$d/${name}" 2>/dev/null && echo "FOUND $d"; done; echo looked`,
            ],
          },
        ]);
        expect(await waitForTerminal(install.db, reader!, 30_000)).toMatchObject({ status: "SUCCEEDED" });
        expect(await stdoutOf(install.db, reader!)).toBe("looked\n");
        // Nothing reached the host's directories either.
        for (const d of places) expect(existsSync(join(d, name)), d).toBe(false);
        expect(readdirSync(elsewhere)).toEqual([]);
      } finally {
        for (const d of places) rmSync(join(d, name), { force: true });
        rmSync(elsewhere, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it.runIf(isRoot)(
    "a job's memory charges end with it: after one fills /dev/shm and its working space near its limit, the next job of that size may use all of its own",
    async () => {
      const token = randomBytes(6).toString("hex");
      try {
        const [filler] = await insertJobs(install.db, orgA, [
          {
            command: [
              "sh",
              "-c",
              `head -c 41943040 /dev/zero > /dev/shm/fill-${token} && head -c 8388608 /dev/zero > "$HOME/fill" && echo filled`,
            ],
            memoryMiB: 64,
          },
        ]);
        expect(await waitForTerminal(install.db, filler!, 30_000)).toMatchObject({ status: "SUCCEEDED" });
        // Another organization's job of the same size, on the group the first one left (the pool
        // hands out the group released last).
        const [user] = await insertJobs(install.db, orgB, [
          {
            command: [
              "perl",
              "-e",
              'my $x = "x" x $ARGV[0]; print "allocated ", length($x) >> 20, " MiB\n"',
              "41943040",
            ],
            memoryMiB: 64,
          },
        ]);
        const done = await waitForTerminal(install.db, user!, 30_000);
        const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: user } });
        expect(attempt.reason).toBeNull();
        expect(done).toMatchObject({ status: "SUCCEEDED", exitCode: 0 });
        expect(await stdoutOf(install.db, user!)).toBe("allocated 40 MiB\n");
      } finally {
        rmSync(`/dev/shm/fill-${token}`, { force: true });
      }
    },
    60_000,
  );

  it.runIf(isRoot)(
    "a job cannot start more processes than its environment's pidsLimit",
    async () => {
      const limited = await environment({ "batchdeck:pidsLimit": "64" });
      const [id] = await insertJobs(install.db, limited, [
        shared({ command: [process.execPath, install.probe, "spawn", "200"] }),
      ]);
      expect(await waitForTerminal(install.db, id!, 60_000)).toMatchObject({ status: "SUCCEEDED" });
      const m = /SPAWNED (.*)\n/.exec(await stdoutOf(install.db, id!));
      expect(m).not.toBeNull();
      const result = JSON.parse(m![1]!) as { started: number; refusal: string | null; procs: number };
      expect(result.refusal).toBe("EAGAIN");
      // Node's own threads count too: the children stop well short of the limit.
      expect(result.started).toBeLessThan(64);
      expect(result.procs).toBeLessThanOrEqual(64);
      const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: id } });
      expect(JSON.parse(attempt.enforcedLimits).pidsLimit).toMatchObject({ max: 64 });
      expect(["cgroup-v1", "cgroup-v2"]).toContain(JSON.parse(attempt.enforcedLimits).pidsLimit.mechanism);
    },
    90_000,
  );

  it.runIf(isRoot)(
    "a fork bomb stops at the limit, ends with its job and does not disturb the engine or other jobs",
    async () => {
      const limited = await environment({ "batchdeck:pidsLimit": "64" });
      const [bomb] = await insertJobs(install.db, limited, [
        // Every process forks for as long as it lives; it ends when terminated (the timeout is
        // a backstop).
        { command: ["perl", "-e", '$| = 1; print "lit\n"; fork while 1'], timeoutSeconds: 120 },
      ]);
      await waitFor("the bomb to go off", async () => (await stdoutOf(install.db, bomb!)).includes("lit"));
      const started = Date.now();
      const [other] = await insertJobs(install.db, orgA, [{ command: ["sh", "-c", "echo fine"] }]);
      expect(await waitForTerminal(install.db, other!, 60_000)).toMatchObject({ status: "SUCCEEDED" });
      // Another job ran to its end while the bomb was still going off.
      const during = await install.db.job.findUniqueOrThrow({ where: { id: bomb! }, select: { status: true } });
      expect(during.status).toBe("RUNNING");
      console.log(`another job beside the fork bomb: submitted → SUCCEEDED in ${Date.now() - started} ms`);
      await install.db.job.update({
        where: { id: bomb! },
        data: { stopRequest: "TERMINATE", stopReason: "defused" },
      });
      expect(await waitForTerminal(install.db, bomb!, 30_000)).toMatchObject({
        status: "FAILED",
        statusReason: "defused",
      });
      const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: bomb } });
      expect(JSON.parse(attempt.enforcedLimits).pidsLimit).toMatchObject({ max: 64 });
      expect(processesOfUid(JSON.parse(attempt.enforcedLimits).user as number)).toEqual([]);
      expect(engine.exitCode).toBeNull();
    },
    60_000,
  );

  it.runIf(isRoot)(
    "a job's working space and /tmp share its environment's diskMiB",
    async () => {
      const limited = await environment({ "batchdeck:diskMiB": "16" });
      const [id] = await insertJobs(install.db, limited, [
        {
          command: [
            "sh",
            "-c",
            [
              'head -c 33554432 /dev/zero > big 2>/dev/null; echo "home $?"; rm -f big',
              'head -c 10485760 /dev/zero > a; head -c 10485760 /dev/zero > /tmp/b 2>/dev/null; echo "tmp $?"',
              "echo \"used $(du -sk a /tmp/b | awk '{ s += $1 } END { print int(s / 1024) }')\"",
            ].join("; "),
          ],
          memoryMiB: 256,
        },
      ]);
      expect(await waitForTerminal(install.db, id!, 30_000)).toMatchObject({ status: "SUCCEEDED" });
      const out = await stdoutOf(install.db, id!);
      expect(out).toMatch(/^home [1-9]\d*\ntmp [1-9]\d*\nused (1[0-6])\n$/);
      const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: id } });
      expect(JSON.parse(attempt.enforcedLimits).diskLimit).toMatchObject({
        mechanism: "tmpfs",
        bytes: 16 * 1024 * 1024,
      });
    },
    40_000,
  );

  it.runIf(isRoot)(
    "with network none a job reaches nothing of the host, not even its loopback services, and has a loopback of its own",
    async () => {
      const server = createServer((socket) => {
        socket.on("error", () => {});
        socket.end("host service\n");
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const port = (server.address() as { port: number }).port;
      try {
        const isolated = await environment({ "batchdeck:network": "none" });
        const [none] = await insertJobs(install.db, isolated, [
          shared({ command: [process.execPath, install.probe, "connect", String(port)] }),
        ]);
        const [bridge] = await insertJobs(install.db, orgA, [
          shared({ command: [process.execPath, install.probe, "connect", String(port)] }),
        ]);
        const result = async (id: string) => {
          expect(await waitForTerminal(install.db, id, 30_000)).toMatchObject({ status: "SUCCEEDED" });
          const m = /CONNECT (.*)\n/.exec(await stdoutOf(install.db, id));
          expect(m).not.toBeNull();
          return JSON.parse(m![1]!) as { host: string; own: string };
        };
        // The same service is there for a job on the host's network.
        expect(await result(bridge!)).toEqual({ host: "connected", own: "connected" });
        const cut = await result(none!);
        expect(cut.host).not.toBe("connected");
        expect(cut.own).toBe("connected");
        const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: none } });
        expect(JSON.parse(attempt.enforcedLimits).network).toBe("none");
      } finally {
        server.close();
      }
    },
    40_000,
  );

  it.runIf(isRoot)(
    "a host volume is mounted only where the environment's batchdeck:hostPaths allows it, read-only when asked",
    async () => {
      const [outside, readOnly] = await insertJobs(install.db, orgA, [
        // The install directory is not among orgA's hostPaths (only the shared directory is).
        { command: ["ls", install.dir], extra: hostVolume(install.dir) },
        {
          command: [
            "sh",
            "-c",
            `test -r "${install.probe}" && echo readable; touch "${install.shared}/x" 2>/dev/null || echo refused`,
          ],
          extra: hostVolume(install.shared, true),
        },
      ]);
      expect(await waitForTerminal(install.db, outside!, 30_000)).toMatchObject({ status: "FAILED" });
      const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: outside } });
      expect(attempt.reason).toMatch(/not under the compute environment's batchdeck:hostPaths/);
      expect(await waitForTerminal(install.db, readOnly!, 30_000)).toMatchObject({ status: "SUCCEEDED" });
      expect(await stdoutOf(install.db, readOnly!)).toBe("readable\nrefused\n");
      expect(existsSync(join(install.shared, "x"))).toBe(false);
    },
    40_000,
  );

  it("a job cannot exceed its memory: it is stopped with AWS's OutOfMemoryError reason", async () => {
    const [id] = await insertJobs(install.db, orgA, [
      { command: ["sh", "-c", "a=$(head -c 200000000 /dev/zero | tr '\\0' x); echo survived"], memoryMiB: 32 },
    ]);
    const done = await waitForTerminal(install.db, id!, 30_000);
    const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: id } });
    const limits = JSON.parse(attempt.enforcedLimits) as { memory: { mechanism: string; bytes?: number } };
    expect(await stdoutOf(install.db, id!)).not.toContain("survived");
    expect(done.status).toBe("FAILED");
    // A host with no way to limit memory fails here rather than passing without a limit.
    expect(["cgroup-v1", "cgroup-v2", "rlimit-as"]).toContain(limits.memory.mechanism);
    expect(limits.memory.bytes).toBe(32 * 1024 * 1024);
    if (limits.memory.mechanism !== "rlimit-as") {
      expect(attempt.reason).toBe("OutOfMemoryError: Container killed due to memory usage");
    }
  }, 40_000);

  it("a job runs below the engine's priority, and so does everything it starts", async () => {
    // Field 19 of /proc/<pid>/stat is the nice value: the job's shell and a process it forks.
    const [id] = await insertJobs(install.db, orgA, [
      { command: ["sh", "-c", "cut -d' ' -f19 /proc/$$/stat; sh -c 'cut -d\" \" -f19 /proc/$$/stat'"] },
    ]);
    expect((await waitForTerminal(install.db, id!, 30_000)).status).toBe("SUCCEEDED");
    expect((await stdoutOf(install.db, id!)).trim().split("\n")).toEqual([String(JOB_NICE), String(JOB_NICE)]);
    const attempt = await install.db.jobAttempt.findFirstOrThrow({ where: { jobId: id } });
    expect(JSON.parse(attempt.enforcedLimits).nice).toBe(JOB_NICE);
  }, 40_000);

  it("says at start whether jobs are isolated from each other", () => {
    const entries = engineEntries(engineOutput);
    const warnings = entries.filter((e) => e.level === "warn" && String(e.msg).startsWith("jobs are not isolated"));
    if (isRoot) {
      const leading = entries.find((e) => e.msg === "leading");
      expect(leading?.jobsRunAs).toBe(`a uid of their own from ${DEFAULT_UID_RANGE.first}-${DEFAULT_UID_RANGE.last}`);
      expect(warnings).toEqual([]);
    } else {
      // Without root the engine cannot switch uid; it must say so rather than pretend.
      expect(warnings.map((e) => e.msg).join("\n")).toContain("the engine is not root");
    }
  });
});
