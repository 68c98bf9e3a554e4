// The log guard on a loaded host (issue 6, proof 8: a job cannot fill the disk with logs). A job
// writes flat out (`yes | head -c`) to a log file the guard thread (engine/log-guard.ts) keeps
// at 1 MiB + 1 byte, while two busy loops in a session of their own hold both cores. What the
// file reaches between the guard's cuts is the job's write rate times however long the guard
// waits, so the figure is the largest size seen (sampled every millisecond from this process)
// per run, over several runs of each:
//   lowered    as the engine runs jobs now: the job at nice 10 (limits.ts), the guard thread
//              at nice −10 where it may (root)
//   baseline   the same job at the normal priority and the guard thread set back to it: how the
//              engine ran jobs before (same run, runs interleaved)
// Not root: the guard cannot raise its priority, and only the job's side differs.
//
//   node --import tsx bench/log-guard.ts [--runs 8] [--bytes 400000000]
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { getPriority, setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { JOB_NICE } from "@/engine/limits";
import { GUARD_NICE, guardFiles, releaseFiles, startLogGuard } from "@/engine/log-guard";
import { pct, ratio, report } from "./lib/harness";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "8" },
    bytes: { type: "string", default: "400000000" },
    child: { type: "string" },
  },
});
const RUNS = Number(values.runs);
const BYTES = Number(values.bytes);
const LIMIT = (1 << 20) + 1;
type Mode = "lowered" | "baseline";

/** One flood in this process, the guard thread started here; prints the largest size seen. */
async function child(mode: Mode) {
  const dir = mkdtempSync(join(tmpdir(), "bench-log-guard-"));
  const path = join(dir, "job.1.stdout");
  try {
    writeFileSync(path, "");
    startLogGuard();
    guardFiles([path], LIMIT);
    await new Promise((r) => setTimeout(r, 100));
    let guardRaised = false;
    for (const task of readdirSync("/proc/self/task")) {
      const tid = Number(task);
      if (getPriority(tid) !== GUARD_NICE) continue;
      guardRaised = true;
      if (mode === "baseline") setPriority(tid, 0);
    }
    const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND);
    const flood = ["sh", "-c", `yes 0123456789abcdef | head -c ${BYTES}`];
    const argv = mode === "lowered" ? ["nice", "-n", String(JOB_NICE), "--", ...flood] : flood;
    const job = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", fd, "ignore"], detached: true });
    closeSync(fd);
    const t0 = performance.now();
    let largest = 0;
    const sampler = setInterval(() => {
      largest = Math.max(largest, statSync(path).size);
    }, 1);
    const code = await new Promise<number | null>((resolve) => job.once("exit", resolve));
    clearInterval(sampler);
    largest = Math.max(largest, statSync(path).size);
    releaseFiles([path]);
    if (code !== 0) throw new Error(`the flood exited with ${code}`);
    console.log(JSON.stringify({ largest, ms: performance.now() - t0, guardRaised }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function busyLoop(): ChildProcess {
  return spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore", detached: true });
}

async function main() {
  const loops = [busyLoop(), busyLoop()];
  const seen: Record<Mode, { largest: number; ms: number }[]> = { lowered: [], baseline: [] };
  let raised = false;
  try {
    await new Promise((r) => setTimeout(r, 500));
    for (let run = 0; run < RUNS; run++) {
      for (const mode of run % 2 === 0 ? (["lowered", "baseline"] as const) : (["baseline", "lowered"] as const)) {
        const out = execFileSync(
          process.execPath,
          ["--import", "tsx", import.meta.filename, "--child", mode, "--bytes", String(BYTES)],
          {
            encoding: "utf8",
          },
        );
        const r = JSON.parse(out.trim().split("\n").at(-1)!) as { largest: number; ms: number; guardRaised: boolean };
        raised ||= r.guardRaised;
        seen[mode].push(r);
        console.log(
          `run ${run + 1} ${mode}: largest ${(r.largest / 2 ** 20).toFixed(1)} MiB, flood took ${r.ms.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    for (const l of loops) if (l.pid) process.kill(-l.pid, "SIGKILL");
  }
  const mib = (v: number) => `${(v / 2 ** 20).toFixed(1)} MiB`;
  const largest = (mode: Mode) => seen[mode].map((r) => r.largest);
  const worst = (mode: Mode) => Math.max(...largest(mode));
  const p50ms = (mode: Mode) =>
    pct(
      seen[mode].map((r) => r.ms),
      50,
    );
  report(`log guard: ${BYTES} bytes written flat out per run against a ${LIMIT}-byte limit, two busy loops beside`, [
    ["runs of each", String(RUNS)],
    ["guard thread raised", raised ? `yes (nice ${GUARD_NICE})` : "no (not root): only the job's priority differs"],
    ["lowered: largest p50 / max", `${mib(pct(largest("lowered"), 50))} / ${mib(worst("lowered"))}`],
    ["baseline: largest p50 / max", `${mib(pct(largest("baseline"), 50))} / ${mib(worst("baseline"))}`],
    ["max, lowered against baseline", ratio(worst("lowered"), worst("baseline"))],
    ["flood time p50, lowered / baseline", `${p50ms("lowered").toFixed(0)} / ${p50ms("baseline").toFixed(0)} ms`],
  ]);
}

if (values.child) await child(values.child as Mode);
else await main();
