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
    const won = { claim: 0, cancel: 0 };
    for (let round = 0; round < 12; round++) {
      const job = await submit({ jobName: `j-${round}` });
      // The engine's claim: a conditional move RUNNABLE → STARTING.
      const claim = () =>
        t.db.job.updateMany({
          where: { id: job.jobId, status: "RUNNABLE" },
          data: { status: "STARTING", leaseOwner: "engine-1" },
        });
      const cancel = () => cancelJob(ctx, { jobId: job.jobId, reason: "race" });
      // Sent together, one of the two always wins here (the same one each time, by how each
      // database queues them: the cancel on SQLite, the claim on PostgreSQL); so every third
      // round has the claim commit first, and every third the cancel, and both outcomes are met.
      const claimFirst = async () => {
        const c = await claim();
        await cancel();
        return c;
      };
      const claimed =
        round % 3 === 0
          ? (await Promise.all([claim(), cancel()]))[0]
          : round % 3 === 1
            ? await claimFirst()
            : await cancel().then(claim);
      const row = await t.db.job.findUniqueOrThrow({ where: { id: job.jobId } });
      if (claimed.count === 1) {
        won.claim++;
        expect(row).toMatchObject({ status: "STARTING", stopRequest: null });
      } else {
        won.cancel++;
        expect(row).toMatchObject({ status: "FAILED", stopRequest: "CANCEL", leaseOwner: null });
      }
    }
    // Both ends of the race happened: each branch above was checked, not only one.
    expect(won.claim, JSON.stringify(won)).toBeGreaterThan(0);
    expect(won.cancel, JSON.stringify(won)).toBeGreaterThan(0);
  });
}, 120_000);
