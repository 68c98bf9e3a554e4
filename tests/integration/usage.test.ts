// Usage accounting: what engine/outcomes.ts records for each ended attempt (UsageRecord, split
// at UTC midnights) and what lib/usage reports and exports, held to the attempts themselves:
// every grouping's figures add up exactly to Σ (stoppedAt − startedAt) × reservation.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AttemptOutcome, applyOutcomes } from "@/engine/outcomes";
import type { OrgContext } from "@/lib/auth/context";
import { directTransaction } from "@/lib/db/direct";
import { newId } from "@/lib/ids";
import { addDays, utcDay } from "@/lib/usage/days";
import { organizationUsage } from "@/lib/usage/organization-usage";
import { usageQueryInput } from "@/lib/usage/usage-input";
import { USAGE_GROUPS, type UsageFigures, type UsageScope, usageReport } from "@/lib/usage/usage-report";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  startTestEngine,
  waitForTerminal,
} from "../helpers/engine-fixtures";
import { addMembership, contextFor, createUser } from "../helpers/fixtures";

// The CSV route runs through orgRoute as in the app; only "who is calling" comes from here.
const caller = vi.hoisted(() => ({ ctx: null as OrgContext | null }));
vi.mock("@/lib/auth/request", () => ({
  currentOrgContext: async () => {
    if (!caller.ctx) throw new Error("no caller set");
    return caller.ctx;
  },
}));
const { GET: exportCsv } = await import("@/app/api/usage/export/route");

const ENGINE = "usage-test-engine";
const at = (iso: string) => Date.parse(iso);

interface AttemptPlan {
  startedAt: number | null;
  stoppedAt: number;
  result: AttemptOutcome["result"];
}

interface JobPlan {
  vcpus: number;
  memoryMiB: number;
  gpus: number;
  shareIdentifier?: string;
  submittedById: string | null;
  attempts: AttemptPlan[];
}

/** Exact expected sums in stored units, from attempt rows and their jobs. */
interface Exact {
  attempts: number;
  vcpuMs: number;
  memoryMiBMs: bigint;
  gpuMs: bigint;
}

const exactOf = (f: UsageFigures): Exact => ({
  attempts: f.attempts,
  vcpuMs: f.vcpuMs,
  memoryMiBMs: f.memoryMiBMs,
  gpuMs: f.gpuMs,
});

function sumExact(rows: UsageFigures[]): Omit<Exact, "attempts"> {
  return rows.reduce(
    (s, r) => ({ vcpuMs: s.vcpuMs + r.vcpuMs, memoryMiBMs: s.memoryMiBMs + r.memoryMiBMs, gpuMs: s.gpuMs + r.gpuMs }),
    { vcpuMs: 0, memoryMiBMs: 0n, gpuMs: 0n },
  );
}

/** A decimal string as a bigint of 10^-13 units (every CSV figure ends within 13 places). */
function scaled(decimal: string): bigint {
  const [whole, fraction = ""] = decimal.split(".");
  expect(fraction.length).toBeLessThanOrEqual(13);
  return BigInt(whole!) * 10n ** 13n + BigInt(fraction.padEnd(13, "0"));
}

describe.each(PROVIDERS)("usage accounting on %s", (provider) => {
  let t: TestDatabase;
  let a: EngineWorld;
  let b: EngineWorld;
  let developer: { id: string; email: string };
  let submitter: { id: string; email: string };
  let gone: { id: string; email: string };

  beforeAll(async () => {
    t = await freshDatabase(provider);
    a = await seedEngineWorld(t.db);
    b = await seedEngineWorld(t.db);
    developer = await createUser(t.db, `dev-${newId().slice(0, 6)}@example.com`);
    submitter = await createUser(t.db, `sub-${newId().slice(0, 6)}@example.com`);
    gone = await createUser(t.db, `gone-${newId().slice(0, 6)}@example.com`);
    await addMembership(t.db, a.organizationId, developer.id, "developer");
    await addMembership(t.db, a.organizationId, submitter.id, "submitter");
    await addMembership(t.db, a.organizationId, gone.id, "developer");
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * Runs `plan`'s jobs' attempts one after another through applyOutcomes, as the engine's writer
   * does (a direct transaction) or recovery (a Prisma one), alternating. Returns the job ids.
   */
  async function run(world: EngineWorld, plans: JobPlan[]): Promise<string[]> {
    const ids = await insertJobs(
      t.db,
      world,
      plans.map((p) => ({
        command: ["true"],
        vcpus: p.vcpus,
        memoryMiB: p.memoryMiB,
        gpus: p.gpus,
        shareIdentifier: p.shareIdentifier,
        attempts: p.attempts.length,
      })),
    );
    let viaDirect = true;
    for (const [i, plan] of plans.entries()) {
      const jobId = ids[i]!;
      await t.db.job.update({ where: { id: jobId }, data: { submittedById: plan.submittedById } });
      for (const [n, attempt] of plan.attempts.entries()) {
        const attemptId = newId();
        await t.db.job.update({
          where: { id: jobId },
          data: { status: "RUNNING", leaseOwner: ENGINE, attemptCount: n + 1, startedAt: attempt.startedAt },
        });
        await t.db.jobAttempt.create({
          data: {
            id: attemptId,
            jobId,
            attemptNumber: n + 1,
            startedAt: attempt.startedAt,
            logStreamName: `def/default/${attemptId}`,
            engineId: ENGINE,
          },
        });
        const outcome: AttemptOutcome = {
          jobId,
          attemptId,
          exitCode: attempt.result === "succeed" ? 0 : 1,
          reason: null,
          statusReason: "Essential container in task exited",
          stoppedAt: attempt.stoppedAt,
          result: attempt.result,
        };
        viaDirect = !viaDirect;
        if (viaDirect) await directTransaction(t.db, (tx) => applyOutcomes(tx, ENGINE, [outcome], Date.now()));
        else await t.db.$transaction((tx) => applyOutcomes(tx, ENGINE, [outcome], Date.now()));
      }
    }
    return ids;
  }

  /** What the attempts of an organization's jobs used, from their rows: the figure to match. */
  async function expectedFor(organizationIds: string[]): Promise<Exact> {
    const attempts = await t.db.jobAttempt.findMany({
      where: { job: { organizationId: { in: organizationIds } }, startedAt: { not: null }, stoppedAt: { not: null } },
      include: { job: { select: { vcpus: true, memoryMiB: true, gpus: true } } },
    });
    const out: Exact = { attempts: 0, vcpuMs: 0, memoryMiBMs: 0n, gpuMs: 0n };
    for (const row of attempts) {
      const ms = Number(row.stoppedAt) - Number(row.startedAt);
      out.attempts += 1;
      out.vcpuMs += ms * row.job.vcpus;
      out.memoryMiBMs += BigInt(ms) * BigInt(row.job.memoryMiB);
      out.gpuMs += BigInt(ms) * BigInt(row.job.gpus);
    }
    return out;
  }

  const RANGE = { from: "2026-02-20", to: "2026-03-10" };

  it("records each attempt by UTC day and adds up exactly, whatever the grouping", async () => {
    await run(a, [
      // A short job, and one across two midnights (three days).
      {
        vcpus: 1,
        memoryMiB: 256,
        gpus: 0,
        submittedById: developer.id,
        attempts: [
          { startedAt: at("2026-03-01T10:00:00.123Z"), stoppedAt: at("2026-03-01T10:00:07.456Z"), result: "succeed" },
        ],
      },
      {
        vcpus: 2,
        memoryMiB: 3_000,
        gpus: 1,
        shareIdentifier: "blue",
        submittedById: developer.id,
        attempts: [
          { startedAt: at("2026-03-01T22:30:00Z"), stoppedAt: at("2026-03-03T01:15:00.001Z"), result: "succeed" },
        ],
      },
      // Retried: two attempts, the first failing, the second ending exactly at midnight.
      {
        vcpus: 0.25,
        memoryMiB: 1_000,
        gpus: 2,
        shareIdentifier: "green",
        submittedById: submitter.id,
        attempts: [
          { startedAt: at("2026-03-02T05:00:00Z"), stoppedAt: at("2026-03-02T05:00:03.333Z"), result: "retry" },
          { startedAt: at("2026-03-02T23:00:00Z"), stoppedAt: at("2026-03-03T00:00:00Z"), result: "succeed" },
        ],
      },
      // Zero length: counts as an attempt, uses nothing.
      {
        vcpus: 0.5,
        memoryMiB: 512,
        gpus: 0,
        submittedById: null,
        attempts: [{ startedAt: at("2026-03-04T08:00:00Z"), stoppedAt: at("2026-03-04T08:00:00Z"), result: "succeed" }],
      },
      // A submitter deleted since.
      {
        vcpus: 4,
        memoryMiB: 8_192,
        gpus: 0,
        submittedById: gone.id,
        attempts: [
          { startedAt: at("2026-03-05T12:00:00Z"), stoppedAt: at("2026-03-05T12:34:56.789Z"), result: "succeed" },
        ],
      },
    ]);
    await t.db.user.delete({ where: { id: gone.id } });

    const rows = await t.db.usageRecord.findMany({ where: { organizationId: a.organizationId } });
    // 1 + 3 + 1 + 1 (the second attempt ends at midnight: nothing on the 3rd) + 1 + 1.
    expect(rows).toHaveLength(8);
    const long = rows.filter((r) => r.shareIdentifier === "blue").sort((x, y) => x.day.localeCompare(y.day));
    expect(long.map((r) => [r.day, Number(r.durationMs)])).toEqual([
      ["2026-03-01", 1.5 * 3_600_000],
      ["2026-03-02", 24 * 3_600_000],
      ["2026-03-03", 1.25 * 3_600_000 + 1],
    ]);
    expect(long[0]).toMatchObject({ vcpus: 2, memoryMiB: 3_000, gpus: 1, submittedById: developer.id });

    const expected = await expectedFor([a.organizationId]);
    expect(expected.attempts).toBe(6);
    for (const groupBy of USAGE_GROUPS) {
      const report = await usageReport(t.db, {
        scope: { organizationId: a.organizationId },
        ...RANGE,
        groupBy,
        byDay: true,
      });
      expect(exactOf(report.totals)).toEqual(expected);
      expect(sumExact(report.groups)).toEqual({
        vcpuMs: expected.vcpuMs,
        memoryMiBMs: expected.memoryMiBMs,
        gpuMs: expected.gpuMs,
      });
      expect(sumExact(report.byDay)).toEqual({
        vcpuMs: expected.vcpuMs,
        memoryMiBMs: expected.memoryMiBMs,
        gpuMs: expected.gpuMs,
      });
      // Every attempt belongs to one group (days aside: an attempt runs in each of its days).
      if (groupBy !== "day") expect(report.groups.reduce((s, g) => s + g.attempts, 0)).toBe(expected.attempts);
      expect(report.totals.vcpuSeconds).toBeCloseTo(expected.vcpuMs / 1000, 6);
      expect(report.totals.memoryGiBSeconds).toBeCloseTo(Number(expected.memoryMiBMs) / 1024 / 1000, 6);
      expect(report.totals.gpuSeconds).toBeCloseTo(Number(expected.gpuMs) / 1000, 6);
    }

    const byUser = await usageReport(t.db, { scope: { organizationId: a.organizationId }, ...RANGE, groupBy: "user" });
    expect(byUser.groups.map((g) => g.label).sort()).toEqual(
      [developer.email, submitter.email, `deleted user ${gone.id}`, "(no submitter recorded)"].sort(),
    );
    const byShare = await usageReport(t.db, {
      scope: { organizationId: a.organizationId },
      ...RANGE,
      groupBy: "share",
    });
    expect(byShare.groups.map((g) => g.key).sort()).toEqual(["blue", "green", null].sort());
    // The retried job's two attempts, both in its share.
    expect(byShare.groups.find((g) => g.key === "green")).toMatchObject({
      attempts: 2,
      vcpuMs: 0.25 * (3_333 + 3_600_000),
      gpuMs: 2n * (3_333n + 3_600_000n),
    });
    const byDay = await usageReport(t.db, { scope: { organizationId: a.organizationId }, ...RANGE, groupBy: "day" });
    expect(byDay.groups.map((g) => g.key).sort()).toEqual([
      "2026-03-01",
      "2026-03-02",
      "2026-03-03",
      "2026-03-04",
      "2026-03-05",
    ]);
    // A range that leaves out the long job's first day leaves out that day's part only.
    const partial = await usageReport(t.db, {
      scope: { organizationId: a.organizationId },
      from: "2026-03-02",
      to: "2026-03-02",
      groupBy: "queue",
    });
    expect(partial.totals.vcpuMs).toBe(2 * 24 * 3_600_000 + 0.25 * (3_333 + 3_600_000));
  });

  it("does not count a replayed outcome twice, nor an attempt that never started", async () => {
    const [jobId] = await run(b, [
      {
        vcpus: 1,
        memoryMiB: 1_024,
        gpus: 0,
        submittedById: null,
        attempts: [{ startedAt: at("2026-03-06T23:00:00Z"), stoppedAt: at("2026-03-06T23:30:00Z"), result: "succeed" }],
      },
    ]);
    const attempt = await t.db.jobAttempt.findFirstOrThrow({ where: { jobId } });
    const before = await t.db.usageRecord.findMany({ where: { organizationId: b.organizationId } });
    expect(before).toHaveLength(1);
    // The same outcome again, and one with a later stop across midnight (an engine that lost
    // its lease reporting an attempt already closed): nothing more is counted.
    for (const stoppedAt of [at("2026-03-06T23:30:00Z"), at("2026-03-07T02:00:00Z")]) {
      const replay: AttemptOutcome = {
        jobId: jobId!,
        attemptId: attempt.id,
        exitCode: 0,
        reason: null,
        statusReason: "x",
        stoppedAt,
        result: "succeed",
      };
      await directTransaction(t.db, (tx) => applyOutcomes(tx, ENGINE, [replay, replay], Date.now()));
    }
    expect(await t.db.usageRecord.findMany({ where: { organizationId: b.organizationId } })).toEqual(before);
    // The attempt keeps its first stop too, so its row and its usage still agree.
    const after = await t.db.jobAttempt.findUniqueOrThrow({ where: { id: attempt.id } });
    expect(Number(after.stoppedAt)).toBe(at("2026-03-06T23:30:00Z"));

    // Recovery's row for an attempt that died before it started: no startedAt, no usage.
    const [never] = await insertJobs(t.db, b, [{ command: ["true"] }]);
    await t.db.job.update({ where: { id: never }, data: { status: "STARTING", leaseOwner: ENGINE, attemptCount: 1 } });
    const neverAttempt = newId();
    await t.db.jobAttempt.create({ data: { id: neverAttempt, jobId: never!, attemptNumber: 1, logStreamName: "" } });
    await t.db.$transaction((tx) =>
      applyOutcomes(
        tx,
        null,
        [
          {
            jobId: never!,
            attemptId: neverAttempt,
            exitCode: null,
            reason: null,
            statusReason: "Host terminated",
            stoppedAt: Date.now(),
            result: "fail",
          },
        ],
        Date.now(),
      ),
    );
    expect(await t.db.usageRecord.count({ where: { attemptId: neverAttempt } })).toBe(0);
  });

  it("keeps each organization's usage to itself, and sums every organization for the operator", async () => {
    const scopeA: UsageScope = { organizationId: a.organizationId };
    const reportA = await usageReport(t.db, { scope: scopeA, ...RANGE, groupBy: "queue", byDay: true });
    const expectedA = await expectedFor([a.organizationId]);
    const expectedB = await expectedFor([b.organizationId]);
    expect(exactOf(reportA.totals)).toEqual(expectedA);
    const queueA = (await t.db.jobQueue.findUniqueOrThrow({ where: { id: a.queueId } })).name;
    expect(reportA.groups.map((g) => g.key)).toEqual([queueA]);
    expect(new Set(reportA.byDay.map((r) => r.key))).toEqual(new Set([queueA]));

    const all = await usageReport(t.db, { scope: { allOrganizations: true }, ...RANGE, groupBy: "organization" });
    expect(exactOf(all.totals)).toEqual({
      attempts: expectedA.attempts + expectedB.attempts,
      vcpuMs: expectedA.vcpuMs + expectedB.vcpuMs,
      memoryMiBMs: expectedA.memoryMiBMs + expectedB.memoryMiBMs,
      gpuMs: expectedA.gpuMs + expectedB.gpuMs,
    });
    const orgA = await t.db.organization.findUniqueOrThrow({ where: { id: a.organizationId } });
    const groupA = all.groups.find((g) => g.key === a.organizationId);
    expect(groupA?.label).toBe(orgA.name);
    expect(exactOf(groupA!)).toEqual(expectedA);

    // The console's own reads take the organization from the caller, never from the request.
    const admin = await t.db.membership.findFirstOrThrow({
      where: { organizationId: b.organizationId, role: "admin" },
      include: { user: true },
    });
    const ctxB = contextFor(t.db, b.organizationId, admin.user, "admin");
    const { report, recordedHere } = await organizationUsage(ctxB, usageQueryInput.parse({ ...RANGE, group: "user" }));
    expect(recordedHere).toBe(true);
    expect(exactOf(report.totals)).toEqual(expectedB);
  });

  it("exports CSV rows per day and group that add up to the same, for managers only", async () => {
    const expected = await expectedFor([a.organizationId]);
    caller.ctx = contextFor(t.db, a.organizationId, developer, "developer");
    for (const group of ["day", "queue", "definition", "share", "user"]) {
      const res = await exportCsv(
        new Request(`http://localhost/api/usage/export?from=${RANGE.from}&to=${RANGE.to}&group=${group}`),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toBe(
        `attachment; filename="usage-${RANGE.from}-to-${RANGE.to}-by-${group}.csv"`,
      );
      const text = await res.text();
      expect(text.endsWith("\r\n")).toBe(true);
      const [header, ...lines] = text.trimEnd().split("\r\n");
      const columns = header!.split(",");
      expect(columns.slice(-4)).toEqual(["attempts", "vcpu_seconds", "memory_gib_seconds", "gpu_seconds"]);
      expect(columns[0]).toBe("day");
      let vcpu = 0n;
      let memory = 0n;
      let gpu = 0n;
      for (const line of lines) {
        const cells = line.split(","); // no field here holds a comma or a quote
        expect(cells).toHaveLength(columns.length);
        vcpu += scaled(cells.at(-3)!);
        memory += scaled(cells.at(-2)!);
        gpu += scaled(cells.at(-1)!);
      }
      // Exact: vCPU-s = vCPU-ms / 1000, GiB-s = MiB-ms / 1,024,000, GPU-s = GPU-ms / 1000 (at 10^-13).
      expect(vcpu).toBe((BigInt(expected.vcpuMs * 4) * 10n ** 10n) / 4n);
      expect(memory * 1_024_000n).toBe(expected.memoryMiBMs * 10n ** 13n);
      expect(gpu).toBe(expected.gpuMs * 10n ** 10n);
      if (group === "user") expect(text).toContain(`,${gone.id},`);
    }

    caller.ctx = contextFor(t.db, a.organizationId, submitter, "submitter");
    const refused = await exportCsv(new Request(`http://localhost/api/usage/export?from=${RANGE.from}&to=${RANGE.to}`));
    expect(refused.status).toBe(403);
    await expect(organizationUsage(caller.ctx, usageQueryInput.parse({}))).rejects.toMatchObject({ code: "FORBIDDEN" });

    caller.ctx = contextFor(t.db, a.organizationId, developer, "developer");
    const bad = await exportCsv(new Request("http://localhost/api/usage/export?from=2026-03-05&to=2026-03-01"));
    expect(bad.status).toBe(400);
  });

  it("records what the engine itself runs, retries included", async () => {
    const world = await seedEngineWorld(t.db);
    const dataDir = mkdtempSync(join(tmpdir(), "batchdeck-usage-"));
    const engine = await startTestEngine(t, provider, dataDir, { logFlushMs: 20 });
    try {
      const [ok, retried] = await insertJobs(t.db, world, [
        { command: ["sh", "-c", "sleep 0.2"], vcpus: 0.5, memoryMiB: 300, gpus: 0 },
        { command: ["sh", "-c", "exit 3"], vcpus: 1, memoryMiB: 128, gpus: 0, attempts: 2 },
      ]);
      expect(await waitForTerminal(t.db, ok!)).toMatchObject({ status: "SUCCEEDED" });
      expect(await waitForTerminal(t.db, retried!)).toMatchObject({ status: "FAILED" });
    } finally {
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const expected = await expectedFor([world.organizationId]);
    expect(expected.attempts).toBe(3);
    const rows = await t.db.usageRecord.findMany({ where: { organizationId: world.organizationId } });
    expect(new Set(rows.map((r) => r.attemptId)).size).toBe(3);
    const today = utcDay(Date.now());
    const report = await usageReport(t.db, {
      scope: { organizationId: world.organizationId },
      from: addDays(today, -1),
      to: addDays(today, 1),
      groupBy: "definition",
    });
    expect(exactOf(report.totals)).toEqual(expected);
  });
});
