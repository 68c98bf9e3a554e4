// The crash run (issue 6, proof 3), shared by bench/crash-run.ts (the long run) and
// tests/integration/engine-crash.test.ts (a shortened run in npm test):
//
//   submitCrashMix  several kinds of job through submitJob: singles, arrays (2–200),
//                   N_TO_N / SEQUENTIAL / array dependencies, retries where attempt 1 fails,
//                   timeouts, every job printing numbered lines steadily;
//   runWithKills    the engine as its own process, SIGKILLed at random moments and restarted;
//   checkCrashRun   every job in one terminal state consistent with AWS semantics, no two
//                   attempts of a job alive at once, and every line a job wrote before a kill
//                   stored in its attempt's log, in order, exactly once.
//
// Each job writes a line to STDOUT and, only after that write returned, appends the line's
// number to a side file `<side>/<jobId>.<attempt>` that Batchdeck knows nothing of: a line
// in the side file was certainly written before any kill that followed.
import type { ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OrgContext } from "@/lib/auth/context";
import { decideRetry, parseEvaluateOnExit } from "@/lib/batch/retry";
import type { SubmitJobInput } from "@/lib/batch/shapes/jobs";
import { STATUS_REASONS } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { submitJob } from "@/lib/jobs/submit-job";

/**
 * The job: exits 99 if another attempt of the same job is alive (a double run: that attempt,
 * or anything it started, still holds the lock on the job's lock file, which every process of
 * an attempt inherits; a lock, unlike a pid, is seen across the attempts' PID namespaces),
 * prints LINES numbered lines PAUSE seconds apart with each number appended to the side file
 * after the print, and fails (exit 1) while its attempt number is below FAIL_UNTIL. The lock
 * file stays (a new file would not be locked by a leftover of the attempt before), opened for
 * reading: the next attempt runs as another uid, which may not write the first one's file.
 */
const SCRIPT = [
  'L="$LOCKS/$AWS_BATCH_JOB_ID"',
  'touch "$L" 2>/dev/null',
  'exec 9<"$L"',
  "flock -n 9 || exit 99",
  'S="$SIDE/$AWS_BATCH_JOB_ID.$AWS_BATCH_JOB_ATTEMPT"',
  "i=0",
  'while [ $i -lt "$LINES" ]; do i=$((i+1)); echo "line $i of $AWS_BATCH_JOB_ID.$AWS_BATCH_JOB_ATTEMPT" && echo $i >> "$S"; sleep "$PAUSE"; done',
  '[ "$AWS_BATCH_JOB_ATTEMPT" -ge "$FAIL_UNTIL" ] || exit 1',
].join("\n");

export interface CrashDirs {
  locks: string;
  side: string;
}

export function crashDirs(root: string): CrashDirs {
  const dirs = { locks: join(root, "locks"), side: join(root, "side") };
  chmodSync(root, 0o755);
  for (const d of Object.values(dirs)) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o777); // jobs run as an unprivileged user
  }
  return dirs;
}

export interface MixOptions {
  ctx: OrgContext;
  queue: string;
  definition: string;
  dirs: CrashDirs;
  /** Roughly how many jobs (children count) to submit. */
  jobs: number;
  /** Largest array. */
  maxArray: number;
  random: () => number;
}

/** Submits the mix; returns the ids of every job submitted (arrays: the parent). */
export async function submitCrashMix(o: MixOptions): Promise<string[]> {
  const ids: string[] = [];
  let count = 0;
  let n = 0;
  const pick = <T>(xs: T[]) => xs[Math.floor(o.random() * xs.length)]!;
  const submit = async (extra: Partial<SubmitJobInput>, env: { lines: number; failUntil?: number }) => {
    const input = {
      jobName: `crash-${n++}`,
      jobQueue: o.queue,
      jobDefinition: o.definition,
      containerOverrides: {
        command: ["sh", "-c", SCRIPT],
        vcpus: 1,
        memory: 64,
        environment: [
          { name: "LOCKS", value: o.dirs.locks },
          { name: "SIDE", value: o.dirs.side },
          { name: "LINES", value: String(env.lines) },
          { name: "PAUSE", value: "0.05" },
          { name: "FAIL_UNTIL", value: String(env.failUntil ?? 1) },
        ],
      },
      ...extra,
    } as SubmitJobInput;
    const { jobId } = await submitJob(o.ctx, input);
    ids.push(jobId);
    count += extra.arrayProperties?.size ?? 1;
    return jobId;
  };
  const lines = () => 1 + Math.floor(o.random() * 20);
  let previousArray: { id: string; size: number } | null = null;
  while (count < o.jobs) {
    const kind = pick(["single", "single", "retry", "array", "chain", "timeout", "fail"]);
    if (kind === "single") await submit({}, { lines: lines() });
    else if (kind === "retry") {
      // Attempt 1 fails; with 2–3 attempts allowed the job succeeds on attempt 2.
      const attempts = pick([2, 3]);
      await submit({ retryStrategy: { attempts } }, { lines: lines(), failUntil: 2 });
    } else if (kind === "fail") {
      // Every attempt fails: FAILED after all of them, and its dependents FAILED with it.
      const failed = await submit({ retryStrategy: { attempts: 2 } }, { lines: 2, failUntil: 99 });
      await submit({ dependsOn: [{ jobId: failed }] }, { lines: 1 });
    } else if (kind === "timeout") {
      // Sleeps past its 1 s attempt duration: the attempt is killed and not retried.
      await submit(
        {
          timeout: { attemptDurationSeconds: 1 },
          retryStrategy: { attempts: 2 },
          containerOverrides: { command: ["sleep", "30"], vcpus: 1, memory: 64 },
        },
        { lines: 0 },
      );
    } else if (kind === "array") {
      const size = 2 + Math.floor(o.random() * (o.maxArray - 1));
      const dependsOn = previousArray && o.random() < 0.5 ? [{ jobId: previousArray.id }] : undefined;
      const id = await submit({ arrayProperties: { size }, dependsOn }, { lines: lines() });
      // Half the arrays get an N_TO_N twin, whose child i waits for child i.
      if (o.random() < 0.5) {
        await submit({ arrayProperties: { size }, dependsOn: [{ jobId: id, type: "N_TO_N" }] }, { lines: 2 });
      }
      // And a single job waiting for the whole array.
      await submit({ dependsOn: [{ jobId: id }] }, { lines: 1 });
      previousArray = { id, size };
    } else {
      // A SEQUENTIAL array: child i waits for child i−1.
      const size = 2 + Math.floor(o.random() * Math.min(10, o.maxArray - 1));
      await submit({ arrayProperties: { size }, dependsOn: [{ type: "SEQUENTIAL" }] }, { lines: 2 });
    }
  }
  return ids;
}

export interface KillOptions {
  spawnEngine: (i: number) => ChildProcess;
  kills: number;
  /** Random delay before each kill, in ms. */
  minDelayMs: number;
  maxDelayMs: number;
  random: () => number;
  /**
   * True while the engine spawned as `engine` runs jobs itself (attempts it started, not yet
   * stopped): each kill's delay counts from then, and the kill lands only while it holds. Jobs
   * merely left RUNNING by the engine killed before do not count: killing a new engine before
   * it has taken over cuts off nothing.
   */
  busy: (engine: number) => Promise<boolean>;
  /** Resolves when every job is terminal (the run is over). */
  done: () => Promise<boolean>;
  /**
   * Submits more work when the run is over before all its kills have landed (a fast machine, or
   * a slow one that ran fewer jobs in parallel), so every kill still lands while jobs run;
   * called at most `moreRounds` times (default 0: the run simply ends with fewer kills).
   */
  more?: () => Promise<void>;
  moreRounds?: number;
  timeoutMs: number;
}

/**
 * Runs the engine, SIGKILLs it `kills` times at random moments while jobs run (`busy()` just
 * before each kill), then lets it finish. The engine killed the k-th time is `spawnEngine(k)`'s.
 */
export async function runWithKills(o: KillOptions): Promise<{ kills: number; engine: ChildProcess }> {
  let kills = 0;
  let rounds = 0;
  let engine = o.spawnEngine(0);
  const over = async () => {
    if (!(await o.done())) return false;
    if (!o.more || rounds >= (o.moreRounds ?? 0)) return true;
    rounds++;
    await o.more();
    return false;
  };
  for (; kills < o.kills; ) {
    while (!(await o.busy(kills)) && !(await o.done())) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, o.minDelayMs + o.random() * (o.maxDelayMs - o.minDelayMs)));
    if (await over()) break;
    // Every kill lands while jobs run: a delay that outlasted the running ones waits for more.
    if (!(await o.busy(kills))) continue;
    engine.kill("SIGKILL");
    await new Promise((r) =>
      engine.exitCode !== null || engine.signalCode !== null ? r(null) : engine.once("exit", r),
    );
    kills++;
    engine = o.spawnEngine(kills);
  }
  const deadline = Date.now() + o.timeoutMs;
  while (!(await o.done())) {
    if (Date.now() > deadline) throw new Error("the run did not finish in time");
    await new Promise((r) => setTimeout(r, 250));
  }
  return { kills, engine };
}

export interface CrashFigures {
  jobs: number;
  attempts: number;
  hostTerminated: number;
  logBytesVerified: number;
  linesVerified: number;
  violations: string[];
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED"]);
const LINE = /^line (\d+) of (.+)$/;

/** Every job of the run (parents and children), checked; violations are listed, not thrown. */
export async function checkCrashRun(db: Db, topIds: string[], dirs: CrashDirs): Promise<CrashFigures> {
  const v: string[] = [];
  const jobs = await db.job.findMany({
    where: { OR: [{ id: { in: topIds } }, { arrayParentId: { in: topIds } }] },
    include: { attempts: { orderBy: { attemptNumber: "asc" } } },
  });
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const deps = await db.jobDependency.findMany({ where: { jobId: { in: jobs.map((j) => j.id) } } });
  const depsOf = new Map<string, string[]>();
  for (const d of deps) depsOf.set(d.jobId, [...(depsOf.get(d.jobId) ?? []), d.dependsOnJobId]);
  const children = new Map<string, typeof jobs>();
  for (const j of jobs)
    if (j.arrayParentId) children.set(j.arrayParentId, [...(children.get(j.arrayParentId) ?? []), j]);

  let attempts = 0;
  let hostTerminated = 0;
  let logBytes = 0;
  let lines = 0;
  for (const job of jobs) {
    const where = `job ${job.id}`;
    if (!TERMINAL.has(job.status)) {
      v.push(`${where}: ${job.status}, not terminal`);
      continue;
    }
    const own = depsOf.get(job.id) ?? [];
    const depFailed = own.some((d) => byId.get(d)?.status === "FAILED");
    const parentDepFailed =
      job.arrayParentId !== null && (depsOf.get(job.arrayParentId) ?? []).some((d) => byId.get(d)?.status === "FAILED");
    if (job.arraySize !== null && job.arrayParentId === null) {
      // An array parent: SUCCEEDED exactly when every child did; never runs itself.
      const kids = children.get(job.id) ?? [];
      if (kids.length !== job.arraySize) v.push(`${where}: ${kids.length} children of ${job.arraySize}`);
      const allOk = kids.every((k) => k.status === "SUCCEEDED");
      if ((job.status === "SUCCEEDED") !== allOk) v.push(`${where}: parent ${job.status} but children disagree`);
      if (job.attempts.length > 0) v.push(`${where}: array parent has attempts`);
      continue;
    }
    if (depFailed || parentDepFailed) {
      if (job.status !== "FAILED" || job.statusReason !== STATUS_REASONS.dependentJobFailed) {
        v.push(`${where}: a dependency failed but it is ${job.status} (${job.statusReason})`);
      }
      if (job.attempts.length > 0) v.push(`${where}: ran although a dependency failed`);
      continue;
    }
    if (job.attempts.length === 0) {
      v.push(`${where}: ${job.status} without any attempt (${job.statusReason})`);
      continue;
    }
    // Dependencies were all met before it started.
    const firstStart = job.attempts[0]!.startedAt;
    for (const d of own) {
      const dep = byId.get(d);
      if (dep && dep.status !== "SUCCEEDED") v.push(`${where}: ran while dependency ${d} is ${dep.status}`);
      if (dep?.stoppedAt && firstStart !== null && firstStart < dep.stoppedAt) {
        v.push(`${where}: started before dependency ${d} stopped`);
      }
    }
    if (job.attempts.length !== job.attemptCount)
      v.push(`${where}: ${job.attempts.length} attempt rows, count ${job.attemptCount}`);
    if (job.attempts.length > job.attemptsAllowed)
      v.push(`${where}: ${job.attempts.length} attempts > ${job.attemptsAllowed} allowed`);
    const evaluateOnExit = parseEvaluateOnExit(job.retryStrategy);
    for (const [i, a] of job.attempts.entries()) {
      attempts++;
      const at = `${where} attempt ${a.attemptNumber}`;
      if (a.attemptNumber !== i + 1) v.push(`${at}: numbered out of order`);
      if (a.exitCode === 99) v.push(`${at}: exit 99, ran while another attempt of the job was alive`);
      if (a.stoppedAt === null) v.push(`${at}: never stopped`);
      const next = job.attempts[i + 1];
      if (next?.startedAt && a.stoppedAt && next.startedAt < a.stoppedAt)
        v.push(`${at}: the next attempt started before it stopped`);
      const timedOut = a.statusReason === STATUS_REASONS.timeout;
      if (a.statusReason?.startsWith("Host EC2")) hostTerminated++;
      const decision = decideRetry({
        attempt: a.attemptNumber,
        attemptsAllowed: job.attemptsAllowed,
        evaluateOnExit,
        exitCode: a.exitCode,
        reason: a.reason,
        statusReason: a.statusReason ?? "",
        stopKind: timedOut ? "TIMEOUT" : "NONE",
      });
      const last = i === job.attempts.length - 1;
      if (!last && decision.action !== "RETRY") v.push(`${at}: retried although the rules say ${decision.why}`);
      if (last && job.status === "FAILED" && decision.action === "RETRY") v.push(`${at}: FAILED with attempts left`);
      if (last && job.status === "SUCCEEDED" && a.exitCode !== 0) v.push(`${at}: SUCCEEDED with exit ${a.exitCode}`);
      if (timedOut && !last) v.push(`${at}: a timed-out attempt was retried`);
      // The log: every line in the side file is stored, in order, exactly once.
      const sideFile = join(dirs.side, `${job.id}.${a.attemptNumber}`);
      const side = existsSync(sideFile) ? readFileSync(sideFile, "utf8").split("\n").filter(Boolean).map(Number) : [];
      const chunks = await db.logChunk.findMany({
        where: { jobId: job.id, attempt: a.attemptNumber, stream: "stdout" },
        orderBy: { seq: "asc" },
        select: { data: true, seq: true },
      });
      if (chunks.some((c, k) => c.seq !== k)) v.push(`${at}: chunk seq has gaps`);
      const text = chunks.map((c) => c.data).join("");
      const stored = text.split("\n").filter(Boolean);
      const numbers: number[] = [];
      for (const l of stored) {
        const m = LINE.exec(l);
        if (!m || m[2] !== `${job.id}.${a.attemptNumber}`) {
          v.push(`${at}: unexpected stored line ${JSON.stringify(l.slice(0, 80))}`);
          break;
        }
        numbers.push(Number(m[1]));
      }
      if (numbers.some((x, k) => x !== k + 1)) v.push(`${at}: stored lines out of order or repeated`);
      if (side.some((x, k) => x !== k + 1)) v.push(`${at}: side file out of order`);
      if (numbers.length < side.length) {
        v.push(`${at}: ${side.length} lines written, only ${numbers.length} stored`);
      }
      if (text.length > 0 && !text.endsWith("\n") && a.statusReason === "Essential container in task exited") {
        v.push(`${at}: a finished attempt's log ends mid-line`);
      }
      logBytes += Buffer.byteLength(text);
      lines += side.length;
    }
  }
  return {
    jobs: jobs.length,
    attempts,
    hostTerminated,
    logBytesVerified: logBytes,
    linesVerified: lines,
    violations: v,
  };
}

/** The organization's admin, its queue and definition by name: what submitCrashMix needs. */
/**
 * The world's submission context. The locks and side files are host volumes of the definition,
 * mounted at the same paths, which the environment allows (batchdeck:hostPaths): a sealed
 * process job sees the host read-only and /tmp as its own.
 */
export async function crashWorld(
  db: Db,
  world: { organizationId: string; queueId: string; definitionId: string; environmentId: string },
  dirs: CrashDirs,
): Promise<{ ctx: OrgContext; queue: string; definition: string }> {
  const shared = Object.entries(dirs);
  const environment = await db.computeEnvironment.findUniqueOrThrow({ where: { id: world.environmentId } });
  const tags = { ...JSON.parse(environment.tags), "batchdeck:hostPaths": shared.map(([, path]) => path).join(",") };
  await db.computeEnvironment.update({ where: { id: world.environmentId }, data: { tags: JSON.stringify(tags) } });
  await db.jobDefinition.update({
    where: { id: world.definitionId },
    data: {
      containerProperties: JSON.stringify({
        volumes: shared.map(([name, path]) => ({ name, host: { sourcePath: path } })),
        mountPoints: shared.map(([name, path]) => ({ sourceVolume: name, containerPath: path, readOnly: false })),
      }),
    },
  });
  const m = await db.membership.findFirstOrThrow({
    where: { organizationId: world.organizationId },
    include: { user: true },
  });
  const queue = await db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
  const def = await db.jobDefinition.findUniqueOrThrow({ where: { id: world.definitionId } });
  const ctx: OrgContext = {
    db,
    organizationId: world.organizationId,
    role: "admin",
    user: { id: m.user.id, email: m.user.email, name: m.user.email },
    actor: { userId: m.user.id, email: m.user.email, source: "api" },
  };
  return { ctx, queue: queue.name, definition: def.name };
}

/** A seeded generator (mulberry32), so a run can be replayed with the same seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
