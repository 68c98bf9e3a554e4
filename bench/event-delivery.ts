// Job state change → webhook: how long after a job's SUCCEEDED is committed its "Batch Job State
// Change" event arrives at a webhook, for an array of 1,000 jobs changing state on the engine
// (each child's SUCCEEDED matches the rule; the parent's too). A receiver in a process of its own
// records each arrival; the engine runs with its defaults (automation beside the scheduling loop).
//
//   webhook delay     arrival at the receiver − Job.stoppedAt (SUCCEEDED committed)
//   baseline          the engine's own state change in the same run: JobAttempt.stoppedAt (the
//                     process exited) → Job.stoppedAt (SUCCEEDED committed)
//
// Every event must arrive, signed (the receiver verifies each signature).
//
//   node --import tsx bench/event-delivery.ts [--jobs 1000] [--postgres | --both]
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { submitJob } from "@/lib/jobs/submit-job";
import { seedWebhookRule } from "@/tests/helpers/automation-fixtures";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import {
  adminContext,
  ms,
  openDatabase,
  pct,
  ratio,
  report,
  run,
  runEngine,
  runOnBothDatabases,
  sleep,
} from "./lib/harness";
import { worldNames } from "./lib/submit";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000" },
    postgres: { type: "boolean", default: false },
    both: { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const SECRET = "bench-webhook-secret";
const TIMEOUT_MS = 300_000;

/** The webhook receiver: verifies each signature and reports the event's job and arrival time. */
const RECEIVER = `
const { createServer } = require("node:http");
const { createHmac, timingSafeEqual } = require("node:crypto");
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => { body += c; });
  req.on("end", () => {
    const at = Date.now();
    const ts = req.headers["x-batchdeck-timestamp"];
    const expected = Buffer.from("v1=" + createHmac("sha256", ${JSON.stringify(SECRET)}).update(ts + "." + body).digest("hex"));
    const got = Buffer.from(String(req.headers["x-batchdeck-signature"]));
    const bad = got.length !== expected.length || !timingSafeEqual(got, expected);
    process.send({ jobId: JSON.parse(body).detail.jobId, at, bad });
    res.writeHead(204).end();
  });
});
server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
`;

async function main() {
  const d = await openDatabase(values.postgres);
  // The receiver runs in a process of its own, as a real endpoint would: in this one it would
  // share the engine's event loop and slow both down.
  const receiver = spawn(process.execPath, ["-e", RECEIVER], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  const arrivals = new Map<string, number>();
  let badSignatures = 0;
  receiver.on("message", (m: { jobId?: string; at?: number; bad?: boolean }) => {
    if (m.bad) badSignatures++;
    if (m.jobId && m.at !== undefined && !arrivals.has(m.jobId)) arrivals.set(m.jobId, m.at);
  });
  const port = await new Promise<number>((resolve) =>
    receiver.once("message", (m: { port: number }) => resolve(m.port)),
  );
  const url = `http://127.0.0.1:${port}/hook`;
  try {
    const world = await seedEngineWorld(d.db, { maxVcpus: 8, memoryMiB: 16_384 });
    const names = await worldNames(d, world);
    const ctx = await adminContext(d.db, world.organizationId);
    await seedWebhookRule(d.db, world.organizationId, {
      url,
      secret: SECRET,
      pattern: { source: ["aws.batch"], detail: { status: ["SUCCEEDED"] } },
      name: "succeeded",
    });
    const engine = await runEngine(d);
    try {
      console.log(`engine: an array of ${N} jobs (true) on ${d.provider}, a rule sending each SUCCEEDED to ${url} …`);
      const { jobId: parentId } = await submitJob(ctx, {
        jobName: "events",
        jobQueue: names.queue,
        jobDefinition: names.definition,
        arrayProperties: { size: N },
        containerOverrides: { command: ["true"] },
      });
      const deadline = Date.now() + TIMEOUT_MS;
      while (arrivals.size < N + 1 && Date.now() < deadline) await sleep(50);
      // The last tick's outcomes are recorded after its posts: wait for them before counting.
      while ((await d.db.eventDelivery.count({ where: { status: "PENDING" } })) > 0 && Date.now() < deadline) {
        await sleep(50);
      }
      const jobs = await d.db.job.findMany({
        where: { arrayParentId: parentId },
        select: { id: true, status: true, stoppedAt: true, attempts: { select: { stoppedAt: true } } },
      });
      const delay: number[] = [];
      const engineLatency: number[] = [];
      let missing = 0;
      for (const j of jobs) {
        const arrived = arrivals.get(j.id);
        if (arrived === undefined || j.stoppedAt === null) {
          missing++;
          continue;
        }
        delay.push(arrived - Number(j.stoppedAt));
        const exited = j.attempts[0]?.stoppedAt;
        if (exited !== null && exited !== undefined) engineLatency.push(Number(j.stoppedAt) - Number(exited));
      }
      const failed = jobs.filter((j) => j.status !== "SUCCEEDED").length;
      const deliveries = await d.db.eventDelivery.groupBy({ by: ["status"], _count: true });
      report(`job state change → webhook (${d.provider}, ${N} jobs)`, [
        [
          "baseline: exit → SUCCEEDED committed",
          `p50 ${ms(pct(engineLatency, 50))}, p99 ${ms(pct(engineLatency, 99))}  (the engine's own state change)`,
        ],
        [
          "SUCCEEDED committed → webhook",
          `p50 ${ms(pct(delay, 50))}, p99 ${ms(pct(delay, 99))}, max ${ms(Math.max(...delay))}`,
        ],
        [
          "ratio webhook / engine",
          `p50 ${ratio(pct(delay, 50), pct(engineLatency, 50))}, p99 ${ratio(pct(delay, 99), pct(engineLatency, 99))}`,
        ],
        ["events arrived", `${arrivals.size} of ${N + 1} (children and parent); ${missing} children missing`],
        ["bad signatures", String(badSignatures)],
        ["deliveries", deliveries.map((g) => `${g.status} ${g._count}`).join(", ")],
        ["jobs not SUCCEEDED", String(failed)],
      ]);
      if (missing > 0 || badSignatures > 0 || failed > 0) throw new Error("events were lost, unsigned or jobs failed");
    } finally {
      await engine.stop();
    }
  } finally {
    receiver.kill();
    await d.close();
  }
}

runOnBothDatabases();
run(main);
