// SubmitJob through the AWS-compatible API with 16 concurrent clients (DESIGN.md: ≥ 1,000 per
// second), against a baseline measured in the same run on the same server: the rate of signed
// requests that the server authenticates and then refuses cheaply (a SubmitJob naming no queue),
// which is the cost of HTTP, SigV4 and the access-key lookup without any job being written. The
// two sides alternate in rounds (baseline first in odd rounds, SubmitJob first in even ones), so
// neither gets the quieter or the warmer machine; each side's rate is its requests over its time.
//
//   node --import tsx bench/api-submit.ts [--requests 4000] [--clients 16] [--rounds 8]
//     [--postgres | --database-url postgres://…]
//
// --postgres starts a throwaway PostgreSQL cluster (bench/lib/harness.ts) for the run.
//
// The server runs in a child process (bench/lib/api-server-main.ts) so clients and server do
// not share an event loop; on this 2-core machine they still share the CPU, as they would on
// one small host. BENCH_SERVER_PROFILE=<dir> writes the server's CPU profile there.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BatchClient, SubmitJobCommand } from "@aws-sdk/client-batch";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { createDb, providerOf } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { contextFor } from "@/tests/helpers/fixtures";
import { openDatabase } from "./lib/harness";
import { databaseSettings } from "./lib/settings";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "4000" },
    clients: { type: "string", default: "16" },
    rounds: { type: "string", default: "8" },
    "database-url": { type: "string" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const N = Number(values.requests);
const C = Number(values.clients);
const ROUNDS = Number(values.rounds);

process.env.BATCHDECK_SECRET_KEY ??= Buffer.alloc(32, 7).toString("base64");

async function startServer(url: string): Promise<{ port: number; stop: () => void }> {
  const profile = process.env.BENCH_SERVER_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "bench/lib/api-server-main.ts"], {
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code})`)));
  });
  return { port, stop: () => child.kill("SIGTERM") };
}

/** One side of the comparison, over every round it ran. */
interface Side {
  label: string;
  requests: number;
  ms: number;
  failures: number;
  latencies: number[];
}

const side = (label: string): Side => ({ label, requests: 0, ms: 0, failures: 0, latencies: [] });

/** `count` more requests of one side, from every client at once. */
async function round(
  s: Side,
  count: number,
  clients: BatchClient[],
  send: (c: BatchClient, i: number) => Promise<unknown>,
) {
  const first = s.requests;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = next++; i < count; i = next++) {
        const t0 = performance.now();
        try {
          await send(client, first + i);
        } catch {
          s.failures++;
        }
        s.latencies.push(performance.now() - t0);
      }
    }),
  );
  s.ms += performance.now() - start;
  s.requests += count;
}

function summary(s: Side) {
  const sorted = s.latencies.toSorted((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  const perSecond = s.requests / (s.ms / 1000);
  console.log(`  ${s.label}: ${perSecond.toFixed(0)}/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
  return perSecond;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-api-"));
  const throwaway = values.postgres ? await openDatabase(true) : null;
  const url = throwaway?.url ?? values["database-url"] ?? `file:${join(dir, "bench.db")}`;
  if (!throwaway) await migrate(url);
  const db = throwaway?.db ?? createDb(url);
  const world = await seedEngineWorld(db);
  const admin = await db.membership.findFirstOrThrow({
    where: { organizationId: world.organizationId },
    include: { user: true },
  });
  const key = await createAccessKey(contextFor(db, world.organizationId, admin.user, "admin"), {
    description: "bench",
  });
  const [queue, definition] = await Promise.all([
    db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } }),
    db.jobDefinition.findUniqueOrThrow({ where: { id: world.definitionId } }),
  ]);
  // Nothing runs the jobs: the figure is the API's acceptance rate, not the engine's.
  await db.jobQueue.update({ where: { id: world.queueId }, data: { state: "ENABLED" } });
  const server = await startServer(url);
  const endpoint = `http://127.0.0.1:${server.port}`;
  const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  const clients = Array.from(
    { length: C },
    () => new BatchClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
  );
  try {
    const database = await databaseSettings(db, providerOf(url));
    console.log(`${N} requests a side from ${C} concurrent clients in ${ROUNDS} alternating rounds; ${database}`);
    // Warm both paths (JIT, connections) before measuring.
    for (const c of clients) {
      await c
        .send(
          new SubmitJobCommand({
            jobName: "warm",
            jobQueue: queue.name,
            jobDefinition: definition.arn,
            containerOverrides: { command: ["true"] },
          }),
        )
        .catch((e) => {
          throw new Error(`warm-up SubmitJob failed: ${(e as Error).message}`);
        });
    }
    const base = side("baseline: signed request refused after authentication");
    const submit = side("SubmitJob");
    const refused = (c: BatchClient) =>
      c.send(new SubmitJobCommand({ jobName: "x", jobQueue: "", jobDefinition: "" })).catch((e) => {
        if ((e as { name?: string }).name !== "ClientException") throw e;
      });
    const submitted = (c: BatchClient, i: number) =>
      c.send(
        new SubmitJobCommand({
          jobName: `bench-${i}`,
          jobQueue: queue.name,
          jobDefinition: definition.arn,
          containerOverrides: { command: ["true"] },
        }),
      );
    for (let r = 0; r < ROUNDS; r++) {
      const count = Math.floor(N / ROUNDS) + (r < N % ROUNDS ? 1 : 0);
      const baseline = () => round(base, count, clients, refused);
      const submitting = () => round(submit, count, clients, submitted);
      if (r % 2 === 0) {
        await baseline();
        await submitting();
      } else {
        await submitting();
        await baseline();
      }
    }
    const basePerSecond = summary(base);
    const submitPerSecond = summary(submit);
    const stored = await db.job.count({
      where: { organizationId: world.organizationId, name: { startsWith: "bench-" } },
    });
    console.log(`
settings: ${database}; ${C} clients, ${N} requests a side in ${ROUNDS} alternating rounds
SubmitJob via /v1: ${submitPerSecond.toFixed(0)} per second with ${C} clients (target ≥ 1000)
baseline (authenticated, refused): ${basePerSecond.toFixed(0)} per second
ratio SubmitJob / baseline: ${(submitPerSecond / basePerSecond).toFixed(2)}
jobs stored: ${stored} of ${N}; failures: ${submit.failures} submit, ${base.failures} baseline`);
    if (stored !== N || submit.failures > 0) process.exitCode = 1;
  } finally {
    for (const c of clients) c.destroy();
    server.stop();
    if (throwaway) await throwaway.close();
    else await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
