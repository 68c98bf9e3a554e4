// SubmitJob through the AWS-compatible API with 16 concurrent clients (DESIGN.md: ≥ 1,000 per
// second), against a baseline measured in the same run on the same server: the rate of signed
// requests that the server authenticates and then refuses cheaply (an unknown operation), which
// is the cost of HTTP, SigV4 and the access-key lookup without any job being written.
//
//   node --import tsx bench/api-submit.ts [--requests 4000] [--clients 16] [--database-url postgres://…]
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
import { createDb } from "@/lib/db";
import { migrate } from "@/lib/db/migrate";
import { seedEngineWorld } from "@/tests/helpers/engine-fixtures";
import { contextFor } from "@/tests/helpers/fixtures";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "4000" },
    clients: { type: "string", default: "16" },
    "database-url": { type: "string" },
  },
});
const N = Number(values.requests);
const C = Number(values.clients);

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

async function rate(label: string, clients: BatchClient[], send: (c: BatchClient, i: number) => Promise<unknown>) {
  let next = 0;
  let failures = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = next++; i < N; i = next++) {
        const t0 = performance.now();
        try {
          await send(client, i);
        } catch {
          failures++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  console.log(`  ${label}: ${(N / seconds).toFixed(0)}/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
  return { perSecond: N / seconds, failures };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "batchdeck-bench-api-"));
  const url = values["database-url"] ?? `file:${join(dir, "bench.db")}`;
  await migrate(url);
  const db = createDb(url);
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
    console.log(
      `${N} requests from ${C} concurrent clients against ${url.startsWith("file:") ? "SQLite" : "PostgreSQL"}`,
    );
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
    const base = await rate("baseline: signed request refused after authentication", clients, (c) =>
      c.send(new SubmitJobCommand({ jobName: "x", jobQueue: "", jobDefinition: "" })).catch((e) => {
        if ((e as { name?: string }).name !== "ClientException") throw e;
      }),
    );
    const submit = await rate("SubmitJob", clients, (c, i) =>
      c.send(
        new SubmitJobCommand({
          jobName: `bench-${i}`,
          jobQueue: queue.name,
          jobDefinition: definition.arn,
          containerOverrides: { command: ["true"] },
        }),
      ),
    );
    const stored = await db.job.count({
      where: { organizationId: world.organizationId, name: { startsWith: "bench-" } },
    });
    console.log(`
SubmitJob via /v1: ${submit.perSecond.toFixed(0)} per second with ${C} clients (target ≥ 1000)
baseline (authenticated, refused): ${base.perSecond.toFixed(0)} per second
ratio SubmitJob / baseline: ${(submit.perSecond / base.perSecond).toFixed(2)}
jobs stored: ${stored} of ${N}; failures: ${submit.failures} submit, ${base.failures} baseline`);
    if (stored !== N || submit.failures > 0) process.exitCode = 1;
  } finally {
    for (const c of clients) c.destroy();
    server.stop();
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
