// Submission and stop requests racing the engine's own transactions: a dependency finishing
// while a dependent is being submitted must still release (or fail) it, and a job cancelled
// while the engine claims it ends in exactly one of the two outcomes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "@/lib/auth/operation";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import { afterJobsFinished } from "@/lib/jobs/finish";
import { cancelJob } from "@/lib/jobs/stop-jobs";
import { submitJob } from "@/lib/jobs/submit-job";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { seedDefinition, seedQueue } from "../helpers/job-fixtures";

describe.each(PROVIDERS)("job races on %s", (provider) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(async () => {
    await t.close();
  });

  async function setup(name: string) {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, name);
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    await seedQueue(t.db, organizationId, { name: "q" });
    await seedDefinition(t.db, organizationId);
    const submit = async (raw: Record<string, unknown>) =>
      submitJob(ctx, parseInput(submitJobInput, { jobQueue: "q", jobDefinition: "def", ...raw }));
    return { ctx, submit };
  }

  /** What the engine does when a job exits: the status change and its consequences, one transaction. */
  const finish = (ids: string[], status: "SUCCEEDED" | "FAILED") =>
    t.db.$transaction(async (tx) => {
      const now = Date.now();
      await tx.job.updateMany({ where: { id: { in: ids } }, data: { status, stoppedAt: now, updatedAt: now } });
      await afterJobsFinished(
        tx,
        ids.map((id) => ({ id, status })),
        now,
      );
    });

  it("never strands a dependent whose dependency finishes during its submission", async () => {
    const { submit } = await setup("DepRace");
    for (let round = 0; round < 15; round++) {
      const dep = await submit({ jobName: `dep-${round}` });
      const outcome = round % 2 === 0 ? "SUCCEEDED" : "FAILED";
      const [dependent] = await Promise.all([
        submit({ jobName: `dependent-${round}`, dependsOn: [{ jobId: dep.jobId }] }),
        finish([dep.jobId], outcome),
      ]);
      const row = await t.db.job.findUniqueOrThrow({ where: { id: dependent.jobId } });
      expect(row.status, `round ${round}`).toBe(outcome === "SUCCEEDED" ? "RUNNABLE" : "FAILED");
    }
  });

  it("never strands an N_TO_N child whose partner finishes during submission", async () => {
    const { submit } = await setup("NtoNRace");
    for (let round = 0; round < 6; round++) {
      const first = await submit({ jobName: `first-${round}`, arrayProperties: { size: 4 } });
      const [second] = await Promise.all([
        submit({
          jobName: `second-${round}`,
          arrayProperties: { size: 4 },
          dependsOn: [{ jobId: first.jobId, type: "N_TO_N" }],
        }),
        finish([`${first.jobId}:2`], "SUCCEEDED"),
      ]);
      const child = await t.db.job.findUniqueOrThrow({ where: { id: `${second.jobId}:2` } });
      expect(child.status, `round ${round}`).toBe("RUNNABLE");
      const other = await t.db.job.findUniqueOrThrow({ where: { id: `${second.jobId}:1` } });
      expect(other.status).toBe("PENDING");
    }
  });

  it("a job cancelled while the engine claims it ends either cancelled or started, never both", async () => {
    const { ctx, submit } = await setup("ClaimRace");
    for (let round = 0; round < 10; round++) {
      const job = await submit({ jobName: `j-${round}` });
      // The engine's claim: a conditional move RUNNABLE → STARTING.
      const claim = t.db.job.updateMany({
        where: { id: job.jobId, status: "RUNNABLE" },
        data: { status: "STARTING", leaseOwner: "engine-1" },
      });
      const [claimed] = await Promise.all([claim, cancelJob(ctx, { jobId: job.jobId, reason: "race" })]);
      const row = await t.db.job.findUniqueOrThrow({ where: { id: job.jobId } });
      if (claimed.count === 1) {
        expect(row).toMatchObject({ status: "STARTING", stopRequest: null });
      } else {
        expect(row).toMatchObject({ status: "FAILED", stopRequest: "CANCEL", leaseOwner: null });
      }
    }
  });
}, 120_000);
