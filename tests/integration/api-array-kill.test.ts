// Crash safety of submission (issue 6, proof 3): the /v1 API server, in its own process, is
// SIGKILLed while a 10,000-child array SubmitJob is in flight, at delays spread over the time
// a whole submission takes, and restarted. Each time the array is all there (parent and
// exactly 10,000 children, RUNNABLE under a PENDING parent, the status summary saying so) or
// not there at all (no parent, no child, no dependency row, no audit event of it). At least
// one kill is known to land while the array's rows are being written: the server is killed
// the moment the database shows it writing rows it has not committed
// (tests/helpers/write-in-progress.ts), and that array must then be missing entirely; the
// timing is tried again until a kill lands so.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { BatchClient, DescribeJobsCommand, SubmitJobCommand } from "@aws-sdk/client-batch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, seedEngineWorld } from "../helpers/engine-fixtures";
import { contextFor } from "../helpers/fixtures";
import { writeInProgress } from "../helpers/write-in-progress";

const root = join(import.meta.dirname, "../..");
const SIZE = 10_000;
const KILLS = 4;
/** Submissions tried before giving up on a kill landing while the rows are written. */
const MID_WRITE_TRIES = 10;
const PORTS = { sqlite: 3311, postgresql: 3312 } as const;

function startServer(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/lib/api-server-main.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, API_PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (/READY \d+/.test(out)) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`API server exited (${code})`)));
  });
}

async function kill(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

describe.each(PROVIDERS)("API server killed during a 10,000-child array submission on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let server: ChildProcess;
  let client: BatchClient;
  let queue: string;
  let definition: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db);
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: world.organizationId },
      include: { user: true },
    });
    const key = await createAccessKey(contextFor(t.db, world.organizationId, admin.user, "admin"), {
      description: "array kill",
    });
    queue = (await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } })).name;
    definition = (await t.db.jobDefinition.findUniqueOrThrow({ where: { id: world.definitionId } })).arn;
    server = await startServer(t.url, PORTS[provider]);
    client = new BatchClient({
      endpoint: `http://127.0.0.1:${PORTS[provider]}`,
      region: "us-east-1",
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    if (server) await kill(server);
    await t.close();
  });

  const submit = (jobName: string) =>
    client.send(
      new SubmitJobCommand({
        jobName,
        jobQueue: queue,
        jobDefinition: definition,
        arrayProperties: { size: SIZE },
        containerOverrides: { command: ["true"] },
      }),
    );

  /** The array named `jobName` is whole, or leaves no trace. Returns which. */
  async function allOrNothing(jobName: string): Promise<"all" | "nothing"> {
    const parents = await t.db.job.findMany({
      where: { organizationId: world.organizationId, name: jobName, arrayParentId: null },
    });
    const orphans = await t.db.job.count({ where: { organizationId: world.organizationId, name: jobName } });
    // Audit events of jobs that do not exist.
    const audits = await t.db.auditEvent.findMany({
      where: { organizationId: world.organizationId, targetType: "job" },
      select: { targetId: true },
    });
    const existing = new Set(
      (
        await t.db.job.findMany({
          where: { id: { in: audits.map((a) => a.targetId) } },
          select: { id: true },
        })
      ).map((j) => j.id),
    );
    expect(audits.filter((a) => !existing.has(a.targetId))).toEqual([]);
    if (parents.length === 0) {
      expect(orphans).toBe(0);
      expect(
        await t.db.job.count({
          where: { organizationId: world.organizationId, arrayParentId: { not: null }, name: jobName },
        }),
      ).toBe(0);
      return "nothing";
    }
    expect(parents).toHaveLength(1);
    const parent = parents[0]!;
    expect(parent).toMatchObject({ status: "PENDING", arraySize: SIZE });
    const children = await t.db.job.groupBy({ by: ["status"], where: { arrayParentId: parent.id }, _count: true });
    expect(children.map((c) => [c.status, c._count])).toEqual([["RUNNABLE", SIZE]]);
    const indexes = await t.db.job.aggregate({
      where: { arrayParentId: parent.id },
      _min: { arrayIndex: true },
      _max: { arrayIndex: true },
    });
    expect([indexes._min.arrayIndex, indexes._max.arrayIndex]).toEqual([0, SIZE - 1]);
    expect(
      await t.db.jobDependency.count({ where: { OR: [{ jobId: parent.id }, { dependsOnJobId: parent.id }] } }),
    ).toBe(0);
    // What a client sees, through the restarted server.
    const { jobs } = await client.send(new DescribeJobsCommand({ jobs: [parent.id] }));
    expect(jobs?.[0]?.arrayProperties).toMatchObject({ size: SIZE, statusSummary: { RUNNABLE: SIZE } });
    return "all";
  }

  it("leaves the whole array or nothing, whenever the server dies", async () => {
    // How long a whole submission takes here, to spread the kills over it.
    const t0 = performance.now();
    const first = await submit("array-whole");
    const took = performance.now() - t0;
    expect(first.jobId).toBeTruthy();
    expect(await allOrNothing("array-whole")).toBe("all");

    const outcomes: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const name = `array-killed-${i}`;
      // Delays spread from the start of the request to a little past its usual end.
      const delay = (took * 1.2 * (i + Math.random())) / KILLS;
      const sent = submit(name).then(
        () => "answered",
        () => "cut off",
      );
      await new Promise((r) => setTimeout(r, delay));
      await kill(server);
      const answer = await sent;
      server = await startServer(t.url, PORTS[provider]);
      const state = await allOrNothing(name);
      // An answered request is a stored array.
      if (answer === "answered") expect(state).toBe("all");
      outcomes.push(`${delay.toFixed(0)} ms: ${answer}, ${state}`);
    }
    console.log(`${provider}: a 10,000-child submission takes ${took.toFixed(0)} ms; kills at ${outcomes.join("; ")}`);
  }, 300_000);

  it("leaves nothing when the kill lands while the array's rows are being written", async () => {
    const tries: string[] = [];
    let landed = false;
    for (let i = 0; !landed && i < MID_WRITE_TRIES; i++) {
      const name = `array-mid-write-${i}`;
      const writing = writeInProgress(t.db, provider, t.url, "Job");
      // Nothing is being written before the submission is sent: what the probe sees next is it.
      expect(await writing()).toBe(false);
      let answered = false;
      const sent = submit(name).then(
        () => {
          answered = true;
          return "answered";
        },
        () => "cut off",
      );
      let seen = false;
      while (!answered && !seen) {
        seen = await writing();
        if (!seen) await new Promise((r) => setTimeout(r, 1));
      }
      if (seen) await kill(server);
      const answer = await sent;
      if (seen) server = await startServer(t.url, PORTS[provider]);
      const state = await allOrNothing(name);
      if (answer === "answered") expect(state).toBe("all");
      // Seen writing, then killed, and rolled back: the kill came before the commit.
      landed = seen && state === "nothing";
      tries.push(`${seen ? "killed while writing" : "answered before a write was seen"}: ${answer}, ${state}`);
    }
    console.log(`${provider}: kill while the rows are written, ${tries.length} tries: ${tries.join("; ")}`);
    expect(landed).toBe(true);
  }, 300_000);
});
