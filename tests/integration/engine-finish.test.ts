// afterJobsFinished: dependents released or failed, array parents settled, chains resolved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { afterJobsFinished } from "@/lib/jobs/finish";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addDependency, type EngineWorld, insertJobs, seedEngineWorld } from "../helpers/engine-fixtures";

describe.each(PROVIDERS)("afterJobsFinished on %s", (provider) => {
  let t: TestDatabase;
  let world: EngineWorld;
  beforeAll(async () => {
    t = await freshDatabase(provider);
    world = await seedEngineWorld(t.db);
  });
  afterAll(async () => {
    await t.close();
  });

  const status = async (id: string) =>
    t.db.job.findUniqueOrThrow({
      where: { id },
      select: { status: true, statusReason: true, pendingDependencies: true },
    });
  // What the caller (engine or stop-jobs) does: move to terminal, then call, in one transaction.
  const finish = (jobs: { id: string; status: "SUCCEEDED" | "FAILED" }[], now = Date.now()) =>
    t.db.$transaction(async (tx) => {
      for (const j of jobs) await tx.job.update({ where: { id: j.id }, data: { status: j.status, stoppedAt: now } });
      await afterJobsFinished(tx, jobs, now);
    });
  const pending = (n: number) => ({ command: ["true"], status: "PENDING" as const, pendingDependencies: n });

  it("releases a dependent only when all its dependencies succeeded", async () => {
    const [a, b, d] = await insertJobs(t.db, world, [{ command: ["true"] }, { command: ["true"] }, pending(2)]);
    await addDependency(t.db, d!, a!);
    await addDependency(t.db, d!, b!);
    await finish([{ id: a!, status: "SUCCEEDED" }]);
    expect(await status(d!)).toMatchObject({ status: "PENDING", pendingDependencies: 1 });
    await finish([{ id: b!, status: "SUCCEEDED" }]);
    expect(await status(d!)).toMatchObject({ status: "RUNNABLE", pendingDependencies: 0 });
    const row = await t.db.job.findUniqueOrThrow({ where: { id: d! } });
    expect(row.runnableAt).not.toBeNull();
  });

  it("counts two finished dependencies in one call", async () => {
    const [a, b, d] = await insertJobs(t.db, world, [{ command: ["true"] }, { command: ["true"] }, pending(2)]);
    await addDependency(t.db, d!, a!);
    await addDependency(t.db, d!, b!);
    await finish([
      { id: a!, status: "SUCCEEDED" },
      { id: b!, status: "SUCCEEDED" },
    ]);
    expect(await status(d!)).toMatchObject({ status: "RUNNABLE", pendingDependencies: 0 });
  });

  it("fails dependents down a chain with 'Dependent Job failed'", async () => {
    const [a, b, c, other] = await insertJobs(t.db, world, [{ command: ["true"] }, pending(1), pending(1), pending(1)]);
    await addDependency(t.db, b!, a!);
    await addDependency(t.db, c!, b!);
    await finish([{ id: a!, status: "FAILED" }]);
    expect(await status(b!)).toMatchObject({ status: "FAILED", statusReason: "Dependent Job failed" });
    expect(await status(c!)).toMatchObject({ status: "FAILED", statusReason: "Dependent Job failed" });
    expect(await status(other!)).toMatchObject({ status: "PENDING" });
  });

  it("releases thousands of dependents in one call", async () => {
    const [root] = await insertJobs(t.db, world, [{ command: ["true"] }]);
    const deps = await insertJobs(
      t.db,
      world,
      Array.from({ length: 3000 }, () => pending(1)),
    );
    await t.db.jobDependency.createMany({ data: deps.map((jobId) => ({ jobId, dependsOnJobId: root! })) });
    await finish([{ id: root!, status: "SUCCEEDED" }]);
    const released = t.db.job.count({ where: { dependsOn: { some: { dependsOnJobId: root! } }, status: "RUNNABLE" } });
    expect(await released).toBe(3000);
  });

  async function array(size: number) {
    const parentId = crypto.randomUUID();
    await insertJobs(t.db, world, [{ id: parentId, command: [], status: "PENDING", arraySize: size }]);
    const children = await insertJobs(
      t.db,
      world,
      Array.from({ length: size }, (_, i) => ({
        id: `${parentId}:${i}`,
        arrayParentId: parentId,
        arrayIndex: i,
        command: ["true"],
      })),
    );
    return { parentId, children };
  }

  it("settles an array parent SUCCEEDED when every child succeeded, then releases its dependents", async () => {
    const { parentId, children } = await array(3);
    const [after] = await insertJobs(t.db, world, [pending(1)]);
    await addDependency(t.db, after!, parentId);
    await finish([{ id: children[0]!, status: "SUCCEEDED" }]);
    expect(await status(parentId)).toMatchObject({ status: "PENDING" });
    await finish(children.slice(1).map((id) => ({ id, status: "SUCCEEDED" as const })));
    expect(await status(parentId)).toMatchObject({ status: "SUCCEEDED" });
    expect(await status(after!)).toMatchObject({ status: "RUNNABLE" });
  });

  it("fails an array parent once all children are terminal and one failed", async () => {
    const { parentId, children } = await array(3);
    const [after] = await insertJobs(t.db, world, [pending(1)]);
    await addDependency(t.db, after!, parentId);
    await finish([{ id: children[0]!, status: "FAILED" }]);
    // Siblings still running: the parent waits (documented choice in finish.ts).
    expect(await status(parentId)).toMatchObject({ status: "PENDING" });
    await finish(children.slice(1).map((id) => ({ id, status: "SUCCEEDED" as const })));
    expect(await status(parentId)).toMatchObject({ status: "FAILED", statusReason: "Array Child Job failed" });
    expect(await status(after!)).toMatchObject({ status: "FAILED", statusReason: "Dependent Job failed" });
  });

  it("releases SEQUENTIAL children one by one", async () => {
    const parentId = crypto.randomUUID();
    await insertJobs(t.db, world, [{ id: parentId, command: [], status: "PENDING", arraySize: 3 }]);
    const children = await insertJobs(
      t.db,
      world,
      [0, 1, 2].map((i) => ({
        id: `${parentId}:${i}`,
        arrayParentId: parentId,
        arrayIndex: i,
        command: ["true"],
        ...(i === 0 ? {} : pending(1)),
      })),
    );
    await addDependency(t.db, children[1]!, children[0]!);
    await addDependency(t.db, children[2]!, children[1]!);
    await finish([{ id: children[0]!, status: "SUCCEEDED" }]);
    expect((await status(children[1]!)).status).toBe("RUNNABLE");
    expect((await status(children[2]!)).status).toBe("PENDING");
  });

  it("an array waiting on a job: released children run, a failed dependency fails parent and children", async () => {
    const [dep1, dep2] = await insertJobs(t.db, world, [{ command: ["true"] }, { command: ["true"] }]);
    for (const dep of [dep1!, dep2!]) {
      const parentId = crypto.randomUUID();
      await insertJobs(t.db, world, [
        { id: parentId, command: [], status: "PENDING", arraySize: 2, pendingDependencies: 1 },
      ]);
      await insertJobs(
        t.db,
        world,
        [0, 1].map((i) => ({ id: `${parentId}:${i}`, arrayParentId: parentId, arrayIndex: i, ...pending(0) })),
      );
      await addDependency(t.db, parentId, dep);
    }
    await finish([{ id: dep1!, status: "SUCCEEDED" }]);
    await finish([{ id: dep2!, status: "FAILED" }]);
    const parents = await t.db.job.findMany({
      where: { dependsOn: { some: { dependsOnJobId: { in: [dep1!, dep2!] } } } },
      select: { id: true, status: true, dependsOn: { select: { dependsOnJobId: true } } },
    });
    const released = parents.find((p) => p.dependsOn[0]!.dependsOnJobId === dep1)!;
    const failed = parents.find((p) => p.dependsOn[0]!.dependsOnJobId === dep2)!;
    expect(released.status).toBe("PENDING");
    expect((await t.db.job.findMany({ where: { arrayParentId: released.id } })).map((c) => c.status)).toEqual([
      "RUNNABLE",
      "RUNNABLE",
    ]);
    expect(failed.status).toBe("FAILED");
    expect((await t.db.job.findMany({ where: { arrayParentId: failed.id } })).map((c) => c.status)).toEqual([
      "FAILED",
      "FAILED",
    ]);
  });
});
