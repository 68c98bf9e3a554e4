// A job writing 50 MB to STDOUT as fast as it can (`seq -f %015.0f 1 3125000`: 3,125,000 lines
// of 16 bytes, whose exact text this process can rebuild), with the attempt's log cap set above
// 50 MB for the run:
//   stored vs written   bytes in LogChunk rows against the bytes the command writes; the
//                       stored text must equal the expected text, chunks numbered 0…n-1
//   time                submit → the job SUCCEEDED with every chunk written, against the same
//                       command spawned directly with its output piped into this process
//   engine stall        submit → RUNNING of small jobs submitted one at a time while the burst
//                       runs, against the same measured on the idle engine first (ratio)
// Target (DESIGN.md): every byte of a 50 MB burst stored, in order.
//
//   node --import tsx bench/log-burst.ts [--lines 3125000] [--idle-samples 30] [--postgres [--pg-fsync-off]]
import { parseArgs } from "node:util";
import { submitJob, submitJobInput } from "@/lib/jobs/submit-job";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { adminContext, ms, openDatabase, pct, ratio, report, run, runEngine, sleep, spawnAndWait } from "./lib/harness";
import { submitAndTime, waitUntilIdle, worldNames } from "./lib/submit";

const { values } = parseArgs({
  options: {
    lines: { type: "string", default: "3125000" },
    "idle-samples": { type: "string", default: "30" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const LINES = Number(values.lines);
const IDLE_SAMPLES = Number(values["idle-samples"]);
const COMMAND = ["seq", "-f", "%015.0f", "1", String(LINES)];
const WRITTEN = LINES * 16;
const CAP = 128 * 1024 * 1024;

function expectedText(): string {
  const parts: string[] = [];
  for (let i = 1; i <= LINES; i++) parts.push(`${String(i).padStart(15, "0")}\n`);
  return parts.join("");
}

async function main() {
  const d = await openDatabase(values.postgres);
  const world = await seedEngineWorld(d.db, { maxVcpus: 4, memoryMiB: 4096 });
  const ctx = await adminContext(d.db, world.organizationId);
  const names = await worldNames(d, world);
  const engine = await runEngine(d, { logCapBytes: CAP });
  try {
    console.log(`baseline: ${COMMAND.join(" ")} spawned directly, output piped here …`);
    const r0 = performance.now();
    await spawnAndWait(COMMAND);
    const rawMs = performance.now() - r0;

    console.log(`idle: ${IDLE_SAMPLES} small jobs submitted one at a time …`);
    const idle: number[] = [];
    for (let i = 0; i < IDLE_SAMPLES; i++) {
      idle.push((await submitAndTime(d, ctx, names, `idle-${i}`)).running);
      await waitUntilIdle(d);
      await sleep(Math.random() * 25);
    }

    console.log(`burst: ${WRITTEN} bytes to stdout on ${d.provider}, small jobs submitted meanwhile …`);
    const b0 = performance.now();
    const { jobId } = await submitJob(
      ctx,
      submitJobInput.parse({
        jobName: "log-burst",
        jobQueue: names.queue,
        jobDefinition: names.definition,
        containerOverrides: { command: COMMAND, vcpus: 1, memory: 512 },
      }),
    );
    const during: number[] = [];
    let burstMs = Number.NaN;
    let status = "";
    for (let i = 0; ; i++) {
      const job = await d.db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } });
      if (job.status === "SUCCEEDED" || job.status === "FAILED") {
        burstMs = performance.now() - b0;
        status = job.status;
        break;
      }
      // Only latencies measured while the burst job is on the host count as "during".
      const t = await submitAndTime(d, ctx, names, `during-${i}`);
      const still = await d.db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true } });
      if (still.status === "RUNNING" || still.status === "STARTING") during.push(t.running);
      await sleep(Math.random() * 25);
    }

    const chunks = await d.db.logChunk.findMany({
      where: { jobId, stream: "stdout" },
      orderBy: { seq: "asc" },
      select: { seq: true, data: true },
    });
    const stored = chunks.reduce((n, c) => n + Buffer.byteLength(c.data), 0);
    const inOrder = chunks.every((c, i) => c.seq === i);
    const identical = chunks.map((c) => c.data).join("") === expectedText();

    const idle50 = pct(idle, 50);
    const idle99 = pct(idle, 99);
    const during50 = pct(during, 50);
    const during99 = pct(during, 99);
    report(`log burst (${d.provider}, ${(WRITTEN / 1e6).toFixed(0)} MB, cap ${CAP} bytes)`, [
      ["job", status],
      ["bytes written / stored", `${WRITTEN} / ${stored}  (${stored === WRITTEN ? "equal" : "NOT equal"})`],
      ["chunks", `${chunks.length}, numbered in order: ${inOrder}; text identical to what was written: ${identical}`],
      ["baseline: raw spawn, piped", `${ms(rawMs)} (${(WRITTEN / 1e6 / (rawMs / 1000)).toFixed(0)} MB/s)`],
      ["burst: submit → SUCCEEDED, stored", `${ms(burstMs)} (${(WRITTEN / 1e6 / (burstMs / 1000)).toFixed(1)} MB/s)`],
      ["ratio burst / raw time", ratio(burstMs, rawMs)],
      ["idle: submit → RUNNING", `p50 ${ms(idle50)}, p99 ${ms(idle99)}  (${idle.length} jobs)`],
      [
        "during burst: submit → RUNNING",
        `p50 ${ms(during50)}, p99 ${ms(during99)}, max ${ms(Math.max(...during))}  (${during.length} jobs)`,
      ],
      ["stall ratio during / idle", `p50 ${ratio(during50, idle50)}, p99 ${ratio(during99, idle99)}`],
    ]);
  } finally {
    await engine.stop();
    await d.close();
  }
}

run(main);
