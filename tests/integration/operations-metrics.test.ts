// GET /api/metrics and the engine's structured logs, with a real engine process running real
// jobs: the token rules, a strict parse of the exposition, every figure checked against the
// database, and every line the engine wrote to stdout/stderr parsed as JSON.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB_STATUSES } from "@/lib/batch/states";
import { collectMetrics, renderExposition, serveMetrics, tokenMatches } from "@/lib/metrics/prometheus";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { type EngineWorld, insertJobs, seedEngineWorld, waitFor, waitForTerminal } from "../helpers/engine-fixtures";
import { type Exposition, histogram, parseExposition, value } from "../helpers/prometheus-parser";

const root = join(import.meta.dirname, "../..");
const TOKEN = "metrics-token-for-tests-7f3a9c01b2";

function scrape(db: TestDatabase["db"], token: string | undefined, header?: string) {
  const req = new Request("http://localhost/api/metrics", { headers: header ? { authorization: header } : {} });
  return serveMetrics(req, db, token);
}

describe.each(PROVIDERS)("metrics and engine logs on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  let dataDir: string;
  let engine: ChildProcess;
  const engineId = `metrics-${provider}`;
  let stdout = "";
  let stderr = "";
  let exited: Promise<number | null>;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db, { maxVcpus: 4 });
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-metrics-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: t.url,
      BATCHDECK_DATA_DIR: dataDir,
      BATCHDECK_ENGINE_ID: engineId,
      BATCHDECK_ENGINE_POLL_MS: "10",
      BATCHDECK_ENGINE_LEASE_RENEW_MS: "200",
      BATCHDECK_ENGINE_LEASE_TTL_MS: "1000",
      BATCHDECK_ENGINE_KILL_GRACE_MS: "300",
      BATCHDECK_ENGINE_SAMPLE_MS: "0",
      BATCHDECK_METRICS_TOKEN: TOKEN,
    };
    // The default is what is under test: stdout is a pipe here, so JSON without being asked.
    delete env.BATCHDECK_LOG_FORMAT;
    engine = spawn(process.execPath, ["--import", "tsx", "engine/main.ts"], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    engine.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    engine.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    exited = new Promise((r) => engine.once("exit", (code) => r(code)));
    await waitFor("the engine to lead", async () => {
      const lease = await t.db.engineLease.findUnique({ where: { name: "leader" } });
      return lease?.holder === engineId;
    });
  });

  afterAll(async () => {
    if (engine.exitCode === null && engine.signalCode === null) {
      engine.kill("SIGKILL");
      await exited;
    }
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 404 when no token is configured, 401 to a missing or wrong token", async () => {
    const unconfigured = await scrape(t.db, undefined, `Bearer ${TOKEN}`);
    expect(unconfigured.status).toBe(404);
    expect(await unconfigured.text()).not.toContain("batchdeck_");
    for (const header of [undefined, "Bearer wrong", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, TOKEN, "Bearer "]) {
      const res = await scrape(t.db, TOKEN, header);
      expect(res.status, String(header)).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain("batchdeck_");
    }
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches("", TOKEN)).toBe(false);
  });

  it("reports jobs by status, scheduling latency, pass time and log bytes that match the database", async () => {
    const ids = await insertJobs(t.db, world, [
      { command: ["sh", "-c", "echo hello; printf 'é%.0s' $(seq 1 100) >&2"] },
      { command: ["sh", "-c", "seq 1 5000"] },
      { command: ["sh", "-c", "exit 3"] },
      { command: ["sh", "-c", "echo ok"] },
    ]);
    await insertJobs(t.db, world, [{ command: ["true"], status: "PENDING", pendingDependencies: 1 }]);
    for (const id of ids) await waitForTerminal(t.db, id);

    const attempts = await t.db.jobAttempt.count();
    const chunks = await t.db.logChunk.findMany({ select: { data: true } });
    const logBytes = chunks.reduce((n, c) => n + Buffer.byteLength(c.data, "utf8"), 0);
    expect(logBytes).toBeGreaterThan(5000);

    // The figures arrive with the next heartbeat (every 200 ms here).
    const e: Exposition = await waitFor(
      "the heartbeat to carry the figures",
      async () => {
        const res = await scrape(t.db, TOKEN, `Bearer ${TOKEN}`);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
        const parsed = parseExposition(await res.text());
        return value(parsed, "batchdeck_log_bytes_total") === logBytes &&
          value(parsed, "batchdeck_jobs_started_total") === attempts
          ? parsed
          : null;
      },
      10_000,
      100,
    );

    const grouped = await t.db.job.groupBy({ by: ["status"], _count: { _all: true } });
    for (const status of JOB_STATUSES) {
      const expected = grouped.find((g) => g.status === status)?._count._all ?? 0;
      expect(value(e, "batchdeck_jobs", { status }), status).toBe(expected);
    }
    expect(value(e, "batchdeck_jobs", { status: "SUCCEEDED" })).toBe(3);
    expect(value(e, "batchdeck_jobs", { status: "FAILED" })).toBe(1);
    expect(value(e, "batchdeck_jobs", { status: "PENDING" })).toBe(1);
    expect(e.types.get("batchdeck_jobs")).toBe("gauge");

    const latency = histogram(e, "batchdeck_scheduling_latency_seconds");
    expect(latency.count).toBe(attempts);
    expect(latency.sum).toBeGreaterThanOrEqual(0);
    // Every job was claimed well within a minute of becoming RUNNABLE.
    expect(latency.buckets.find((b) => b.le === 60)?.count).toBe(attempts);
    const passes = histogram(e, "batchdeck_scheduling_pass_duration_seconds");
    expect(passes.count).toBeGreaterThan(0);
    expect(passes.sum).toBeGreaterThan(0);

    expect(value(e, "batchdeck_log_chunks_total")).toBe(chunks.length);
    expect(value(e, "batchdeck_engine_up")).toBe(1);
    expect(value(e, "batchdeck_engine_leader", { engine_id: engineId })).toBe(1);
    // Current enough for engine_up (the product's 15 s threshold); how old exactly depends on
    // when the scrape fell between two heartbeats. Its arithmetic is checked with a fixed clock below.
    expect(value(e, "batchdeck_engine_heartbeat_age_seconds")).toBeGreaterThanOrEqual(0);
    for (const [name, type] of e.types) if (type === "counter") expect(name).toMatch(/_total$/);
  });

  it("names no organization, queue, user or secret", async () => {
    const text = await (await scrape(t.db, TOKEN, `Bearer ${TOKEN}`)).text();
    const org = await t.db.organization.findUniqueOrThrow({ where: { id: world.organizationId } });
    const queue = await t.db.jobQueue.findUniqueOrThrow({ where: { id: world.queueId } });
    const users = await t.db.user.findMany({ select: { email: true } });
    for (const needle of [org.id, org.name, queue.name, world.queueId, TOKEN, ...users.map((u) => u.email)]) {
      expect(text).not.toContain(needle);
    }
  });

  it("reports the engine down once its heartbeat is stale, and survives an unreadable stats row", async () => {
    const lease = await t.db.engineLease.findUniqueOrThrow({ where: { name: "leader" } });
    const later = renderExposition(await collectMetrics(t.db, Number(lease.heartbeatAt) + 60_000));
    const stale = parseExposition(later);
    expect(value(stale, "batchdeck_engine_up")).toBe(0);
    expect(value(stale, "batchdeck_engine_heartbeat_age_seconds")).toBeGreaterThanOrEqual(59);
    // A row the web server cannot read is "no figures", not a failed scrape (the running
    // engine rewrites it with its next heartbeat).
    await t.db.engineLease.update({ where: { name: "leader" }, data: { stats: "not json" } });
    const e = parseExposition(renderExposition(await collectMetrics(t.db, Number(lease.heartbeatAt))));
    expect(value(e, "batchdeck_log_bytes_total")).toBeGreaterThanOrEqual(0);
    expect(histogram(e, "batchdeck_scheduling_latency_seconds").count).toBeGreaterThanOrEqual(0);
  });

  it("the engine writes every stdout and stderr line as JSON with time, level and msg", async () => {
    engine.kill("SIGTERM");
    expect(await exited).toBe(0);
    const lines = [...stdout.split("\n"), ...stderr.split("\n")].filter((l) => l !== "");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const entries = lines.map((l) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(l);
      } catch {
        throw new Error(`not JSON: ${l}`);
      }
      expect(typeof entry.time).toBe("string");
      expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
      expect(["debug", "info", "warn", "error"]).toContain(entry.level);
      expect(typeof entry.msg).toBe("string");
      expect(entry.component).toBe("engine");
      return entry;
    });
    const msgs = entries.map((e) => e.msg);
    expect(msgs).toContain("started; waiting for leadership");
    expect(msgs).toContain("leading");
    expect(msgs).toContain("stopping");
    expect(entries.find((e) => e.msg === "leading")).toMatchObject({ level: "info", engineId });
    expect(stdout + stderr).not.toContain(TOKEN);
  });
});
