// Group commit of submissions: many at once share transactions, yet each is accepted or
// refused on its own, and an unexpected failure of one never takes the others with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { parseInput } from "@/lib/auth/operation";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import { AppError } from "@/lib/errors";
import { TransactionBatcher } from "@/lib/jobs/submit-batcher";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { seedDefinition, seedQueue } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("submission batching on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  it("accepts and refuses concurrent submissions one by one", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Burst");
    const ctx = contextFor(t.db, organizationId, admin, "admin", "api");
    await seedQueue(t.db, organizationId, { name: "q" });
    await seedDefinition(t.db, organizationId);
    const results = await Promise.allSettled(
      Array.from({ length: 120 }, async (_, i) =>
        submitJob(
          ctx,
          parseInput(submitJobInput, {
            jobName: `j${i}`,
            jobQueue: i % 10 === 3 ? "missing" : "q",
            jobDefinition: "def",
          }),
        ),
      ),
    );
    const accepted = results.filter((r) => r.status === "fulfilled").map((r) => r.value);
    const refused = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    expect(accepted).toHaveLength(108);
    expect(refused).toHaveLength(12);
    expect(refused.every((e) => e instanceof AppError && e.code === "NOT_FOUND")).toBe(true);
    const rows = await t.db.job.findMany({
      where: { organizationId },
      select: { id: true, name: true, status: true, createdAt: true },
    });
    expect(rows.map((r) => r.id).sort()).toEqual(accepted.map((a) => a.jobId).sort());
    expect(rows.every((r) => r.status === "RUNNABLE")).toBe(true);
    expect(new Set(rows.map((r) => r.name)).size).toBe(108);
    // Jobs of one batch share its timestamp: far fewer distinct ones than jobs means they were batched.
    expect(new Set(rows.map((r) => r.createdAt)).size).toBeLessThan(20);
    const audits = await t.db.auditEvent.findMany({ where: { organizationId, action: "job.submit" } });
    expect(audits.map((a) => a.targetId).sort()).toEqual(accepted.map((a) => a.jobId).sort());
    expect(audits.every((a) => a.source === "api" && a.actorEmail === admin.email)).toBe(true);
  });

  it("retries each request alone when a batch fails for another reason", async () => {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Retry");
    const actor = { userId: admin.id, email: admin.email, source: "api" as const };
    const attempts = new Map<number, number>();
    const batcher = new TransactionBatcher<number, number, number[]>(
      t.db,
      {
        newState: () => [],
        run: async (tx, item, state) => {
          attempts.set(item, (attempts.get(item) ?? 0) + 1);
          // As the contract asks, a refusal comes before any write.
          if (item === 8) throw new AppError("INVALID_INPUT", "eight is refused");
          await recordAudit(tx, { organizationId, actor, action: "test", targetType: "n", targetId: String(item) });
          if (item === 7) throw new Error("disk on fire");
          state.push(item);
          return item * 2;
        },
        finish: async () => {},
        // Raw SQL only: the batches run in direct transactions (lib/db/direct.ts).
        needsPrisma: () => false,
      },
      1,
    );
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => batcher.submit(i)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
      0,
      2,
      4,
      6,
      8,
      10,
      12,
      "disk on fire",
      "eight is refused",
      18,
      20,
      22,
    ]);
    const written = await t.db.auditEvent.findMany({ where: { organizationId, action: "test" } });
    expect(written.map((a) => Number(a.targetId)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 9, 10, 11]);
    expect(Math.max(...attempts.values())).toBeLessThanOrEqual(3);
  });
}, 120_000);
