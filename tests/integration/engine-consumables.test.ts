// Consumable resources through the real engine: a job that needs a seat waits RUNNABLE until a
// seat is free, however much capacity is idle, and a NON_REPLENISHABLE resource is used up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineHandle } from "@/engine/engine";
import { consumableResourceArn } from "@/lib/batch/arn";
import { newId } from "@/lib/ids";
import { readConsumableQuantities } from "@/lib/jobs/consumable-usage";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import {
  type EngineWorld,
  insertJobs,
  seedEngineWorld,
  startTestEngine,
  waitFor,
  waitForTerminal,
} from "../helpers/engine-fixtures";

describe.each(PROVIDERS)("the engine and consumable resources on %s", (provider) => {
  let t: TestDatabase;
  let engine: EngineHandle;
  let world: EngineWorld;
  let dataDir: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    dataDir = mkdtempSync(join(tmpdir(), "batchdeck-engine-"));
    world = await seedEngineWorld(t.db, { maxVcpus: 4 });
    engine = await startTestEngine(t, provider, dataDir, { logFlushMs: 50, sampleMs: 200 });
  });
  afterAll(async () => {
    await engine.stop();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function resource(name: string, totalQuantity: number, resourceType = "REPLENISHABLE") {
    const { accountId } = await t.db.organization.findUniqueOrThrow({ where: { id: world.organizationId } });
    return t.db.consumableResource.create({
      data: {
        id: newId(),
        organizationId: world.organizationId,
        name,
        arn: consumableResourceArn(accountId, name),
        totalQuantity: BigInt(totalQuantity),
        resourceType,
      },
    });
  }

  /** Jobs as SubmitJob writes them: the rows first, then what each requires, in one go. */
  async function jobsRequiring(resourceId: string, commands: string[][]) {
    const ids = commands.map(() => newId());
    await t.db.$transaction(async (tx) => {
      await insertJobs(
        tx as unknown as typeof t.db,
        world,
        commands.map((command, i) => ({ id: ids[i], command })),
      );
      await tx.jobConsumableResource.createMany({
        data: ids.map((jobId) => ({ jobId, consumableResourceId: resourceId, quantity: 1n })),
      });
    });
    return ids;
  }

  const attemptOf = (jobId: string) => t.db.jobAttempt.findFirstOrThrow({ where: { jobId } });

  it("runs two jobs needing the one seat one after the other, both to SUCCEEDED, and gives the seat back", async () => {
    const seat = await resource("seat", 1);
    const [first, second] = await jobsRequiring(seat.id, [
      ["sh", "-c", "sleep 0.6"],
      ["sh", "-c", "sleep 0.6"],
    ]);
    // While one runs, the other waits RUNNABLE although three vCPUs are free.
    await waitFor("a job to run", async () => {
      const running = await t.db.job.count({ where: { id: { in: [first!, second!] }, status: "RUNNING" } });
      return running === 1;
    });
    expect(await t.db.job.count({ where: { id: { in: [first!, second!] }, status: "RUNNABLE" } })).toBe(1);
    expect((await readConsumableQuantities(t.db, [seat.id])).get(seat.id)).toMatchObject({
      inUseQuantity: 1,
      availableQuantity: 0,
    });

    expect(await waitForTerminal(t.db, first!)).toMatchObject({ status: "SUCCEEDED" });
    expect(await waitForTerminal(t.db, second!)).toMatchObject({ status: "SUCCEEDED" });
    const [a, b] = (await Promise.all([attemptOf(first!), attemptOf(second!)])).sort(
      (x, y) => Number(x.startedAt) - Number(y.startedAt),
    );
    // The later one started only once the earlier one had stopped.
    expect(Number(b!.startedAt)).toBeGreaterThanOrEqual(Number(a!.stoppedAt));
    expect((await readConsumableQuantities(t.db, [seat.id])).get(seat.id)).toMatchObject({
      totalQuantity: 1,
      inUseQuantity: 0,
      availableQuantity: 1,
    });
  });

  it("lets a job waiting for a seat take no room from the jobs behind it", async () => {
    // Two vCPUs: one for the seat holder, one that the job waiting for the seat must not take.
    const small = await seedEngineWorld(t.db, { maxVcpus: 2 });
    const { accountId } = await t.db.organization.findUniqueOrThrow({ where: { id: small.organizationId } });
    const seat = await t.db.consumableResource.create({
      data: {
        id: newId(),
        organizationId: small.organizationId,
        name: "solo",
        arn: consumableResourceArn(accountId, "solo"),
        totalQuantity: 1n,
      },
    });
    const base = Date.now() - 1_000;
    const [holder, waiter] = [newId(), newId()];
    await t.db.$transaction(async (tx) => {
      await insertJobs(tx as unknown as typeof t.db, small, [
        { id: holder, command: ["sleep", "2"], createdAt: base, runnableAt: base },
        { id: waiter, command: ["true"], createdAt: base + 1, runnableAt: base + 1 },
      ]);
      await tx.jobConsumableResource.createMany({
        data: [holder, waiter].map((jobId) => ({ jobId, consumableResourceId: seat.id, quantity: 1n })),
      });
    });
    await waitFor(
      "the holder to run",
      async () => (await t.db.job.findUniqueOrThrow({ where: { id: holder } })).status === "RUNNING",
    );
    // Behind the waiter in the queue, needing no seat: it runs at once, beside the holder.
    const [free] = await insertJobs(t.db, small, [{ command: ["true"] }]);
    expect(await waitForTerminal(t.db, free!)).toMatchObject({ status: "SUCCEEDED" });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: holder } })).status).toBe("RUNNING");
    expect((await t.db.job.findUniqueOrThrow({ where: { id: waiter } })).status).toBe("RUNNABLE");
    expect(await waitForTerminal(t.db, waiter)).toMatchObject({ status: "SUCCEEDED" });
  });

  it("uses up a NON_REPLENISHABLE resource: the job past its total waits RUNNABLE", async () => {
    const credits = await resource("credits", 2, "NON_REPLENISHABLE");
    const ids = await jobsRequiring(credits.id, [["true"], ["true"], ["true"]]);
    const done = await waitFor("two jobs to succeed", async () => {
      const n = await t.db.job.count({ where: { id: { in: ids }, status: "SUCCEEDED" } });
      return n === 2 ? n : null;
    });
    expect(done).toBe(2);
    // A few more passes go by; the third job still has no credit.
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.db.job.count({ where: { id: { in: ids }, status: "RUNNABLE" } })).toBe(1);
    expect((await readConsumableQuantities(t.db, [credits.id])).get(credits.id)).toMatchObject({
      totalQuantity: 0,
      inUseQuantity: 0,
      availableQuantity: 0,
    });
    // A credit added later lets it run.
    await t.db.consumableResource.update({ where: { id: credits.id }, data: { totalQuantity: 1n } });
    const waiting = await t.db.job.findFirstOrThrow({ where: { id: { in: ids }, status: "RUNNABLE" } });
    expect(await waitForTerminal(t.db, waiting.id)).toMatchObject({ status: "SUCCEEDED" });
    expect(Number((await t.db.consumableResource.findUniqueOrThrow({ where: { id: credits.id } })).totalQuantity)).toBe(
      0,
    );
  });
});
