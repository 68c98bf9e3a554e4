// An organization's submit-time quotas (lib/quotas/submit-quotas.ts, waiting-jobs.ts,
// token-bucket.ts) on real databases: array size, jobs waiting (racing submissions included,
// from two clients as two web servers would), and the SubmitJob rate through /v1.
import { randomBytes } from "node:crypto";
import { SubmitJobCommand } from "@aws-sdk/client-batch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessKey } from "@/lib/access-keys/create-access-key";
import type { OrgContext } from "@/lib/auth/context";
import { parseInput } from "@/lib/auth/operation";
import type { AwsClients } from "@/lib/backends/aws/clients";
import { submitJob as awsSubmitJob } from "@/lib/backends/aws/jobs";
import { submitJobInput } from "@/lib/batch/shapes/jobs";
import { createDb, type Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { submitJob } from "@/lib/jobs/submit-job";
import { forgetQuotas } from "@/lib/quotas/quota-cache";
import type { QuotaName } from "@/lib/quotas/quotas";
import { submitBucketKey } from "@/lib/quotas/submit-quotas";
import { type ApiServer, startApiServer } from "../helpers/api-server";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { forceStatus, seedDefinition, seedQueue } from "../helpers/job-fixtures";

process.env.BATCHDECK_SECRET_KEY ??= randomBytes(32).toString("base64");

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!error) throw new Error("expected the submission to be refused");
  if (!(error instanceof AppError)) throw error;
  return { code: error.code, message: error.message };
}

async function apiRefusal(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as { name: string; message: string; $metadata?: { httpStatusCode?: number } } | null;
  if (!error) throw new Error("expected the call to be refused");
  return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
}

describe.each(PROVIDERS)("submit-time quotas on %s", (provider) => {
  let t: TestDatabase;
  let server: ApiServer;
  beforeAll(async () => {
    t = await freshDatabase(provider);
    server = await startApiServer({ db: t.db });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  async function setup(name: string, quotas: Partial<Record<QuotaName, number>>) {
    const { organizationId, admin } = await createOrgWithAdmin(t.db, name);
    const ctx = contextFor(t.db, organizationId, admin, "admin");
    await seedQueue(t.db, organizationId, { name: "q" });
    await seedDefinition(t.db, organizationId);
    await t.db.organizationQuota.create({ data: { organizationId, ...quotas } });
    forgetQuotas(t.db, organizationId);
    const request = (raw: Record<string, unknown> = {}) =>
      parseInput(submitJobInput, { jobName: "j", jobQueue: "q", jobDefinition: "def", ...raw });
    const submit = (raw: Record<string, unknown> = {}, as: OrgContext = ctx) => submitJob(as, request(raw));
    const written = async () => ({
      jobs: await t.db.job.count({ where: { organizationId } }),
      audits: await t.db.auditEvent.count({ where: { organizationId, action: "job.submit" } }),
    });
    const waiting = () =>
      t.db.job.count({
        where: {
          organizationId,
          status: { in: ["SUBMITTED", "PENDING", "RUNNABLE"] },
          OR: [{ arraySize: null }, { arrayParentId: { not: null } }],
        },
      });
    const api = async () => server.batch(await createAccessKey(ctx, { description: "quota test" }));
    return { organizationId, admin, ctx, request, submit, written, waiting, api };
  }

  it("refuses an array over the array size quota, on /v1 as ClientException, writing nothing", async () => {
    const { submit, written, api, ctx, request } = await setup("Arrays", { maxArraySize: 100 });
    const refused = await refusal(submit({ arrayProperties: { size: 500 } }));
    expect(refused).toEqual({
      code: "LIMIT_EXCEEDED",
      message: `Array size 500 is over this organization's quota "Array size" of 100.`,
    });
    expect(await written()).toEqual({ jobs: 0, audits: 0 });

    await submit({ arrayProperties: { size: 100 } });
    expect(await written()).toEqual({ jobs: 101, audits: 1 });

    const client = await api();
    const viaApi = await apiRefusal(
      client.send(
        new SubmitJobCommand({ jobName: "big", jobQueue: "q", jobDefinition: "def", arrayProperties: { size: 101 } }),
      ),
    );
    expect(viaApi).toEqual({
      name: "ClientException",
      status: 400,
      message: `Array size 101 is over this organization's quota "Array size" of 100.`,
    });
    expect(await written()).toEqual({ jobs: 101, audits: 1 });

    // An organization on AWS Batch meets the same quota before anything is relayed.
    const notRelayed = await refusal(awsSubmitJob({} as AwsClients, ctx, request({ arrayProperties: { size: 200 } })));
    expect(notRelayed.code).toBe("LIMIT_EXCEEDED");
  });

  it("counts an array's children and single jobs against jobs waiting, and refuses past it", async () => {
    const { submit, written, waiting, api, organizationId } = await setup("Waiting", { maxWaitingJobs: 10 });
    const array = await submit({ arrayProperties: { size: 4 } });
    expect(await waiting()).toBe(4);
    const singles = [];
    for (let i = 0; i < 6; i++) singles.push(await submit({ jobName: `s${i}` }));
    expect(await waiting()).toBe(10);
    const before = await written();

    const one = await refusal(submit({ jobName: "eleventh" }));
    expect(one.code).toBe("LIMIT_EXCEEDED");
    expect(one.message).toMatch(/^Jobs waiting: 10 of 10 \(quota\)\. This submission would add 1 /);
    const two = await refusal(submit({ arrayProperties: { size: 2 } }));
    expect(two.message).toMatch(/^Jobs waiting: 10 of 10 \(quota\)\. This submission would add 2 /);
    const viaApi = await apiRefusal(
      (await api()).send(new SubmitJobCommand({ jobName: "api", jobQueue: "q", jobDefinition: "def" })),
    );
    expect(viaApi.name).toBe("ClientException");
    expect(viaApi.status).toBe(400);
    expect(viaApi.message).toMatch(/^Jobs waiting: 10 of 10 \(quota\)\./);
    expect(await written()).toEqual(before);

    // Jobs that start or finish make room again; the parent of an array never counted.
    await forceStatus(t.db, [singles[0]!.jobId], "RUNNING");
    await forceStatus(t.db, [`${array.jobId}:0`, `${array.jobId}:1`], "SUCCEEDED");
    expect(await waiting()).toBe(7);
    const big = await refusal(submit({ arrayProperties: { size: 4 } }));
    expect(big.message).toMatch(/^Jobs waiting: 7 of 10 \(quota\)\. This submission would add 4 /);
    await submit({ arrayProperties: { size: 3 } });
    expect(await waiting()).toBe(10);
    expect(await t.db.job.count({ where: { organizationId, arrayParentId: null, arraySize: { not: null } } })).toBe(2);

    // With dependencies (the batch's Prisma transaction): a job born FAILED, its dependency
    // having failed, adds nothing and is accepted at the quota; one that would wait is refused.
    await forceStatus(t.db, [singles[1]!.jobId], "FAILED");
    const bornFailed = await submit({ jobName: "after-failed", dependsOn: [{ jobId: singles[1]!.jobId }] });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: bornFailed.jobId } })).status).toBe("FAILED");
    expect(await waiting()).toBe(9);
    await submit({ jobName: "waits", dependsOn: [{ jobId: singles[2]!.jobId }] });
    expect(await waiting()).toBe(10);
    const dependent = await refusal(submit({ jobName: "refused", dependsOn: [{ jobId: singles[3]!.jobId }] }));
    expect(dependent.message).toMatch(/^Jobs waiting: 10 of 10 \(quota\)\./);
  });

  it("lets exactly the quota through when submissions race from two web servers", async () => {
    const { ctx, request, written, waiting } = await setup("Race", { maxWaitingJobs: 10 });
    // A second client on the same database: its own batcher and connections, as another server.
    const other: Db = createDb(t.url);
    try {
      const otherCtx = { ...ctx, db: other };
      const attempts = Array.from({ length: 20 }, (_, i) =>
        submitJob(i % 2 === 0 ? ctx : otherCtx, request({ jobName: `race-${i}` })),
      );
      const settled = await Promise.allSettled(attempts);
      const accepted = settled.filter((s) => s.status === "fulfilled").length;
      const refused = settled.flatMap((s) => (s.status === "rejected" ? [s.reason] : []));
      expect(accepted).toBe(10);
      expect(refused).toHaveLength(10);
      for (const r of refused) expect(r).toMatchObject({ code: "LIMIT_EXCEEDED" });
      expect(await waiting()).toBe(10);
      expect(await written()).toEqual({ jobs: 10, audits: 10 });

      // Arrays each take a transaction of their own: they race on the lock, not in one batch.
      await forceStatus(
        t.db,
        (await t.db.job.findMany({ where: { organizationId: ctx.organizationId }, select: { id: true } })).map(
          (j) => j.id,
        ),
        "SUCCEEDED",
      );
      const arrays = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          submitJob(i % 2 === 0 ? ctx : otherCtx, request({ jobName: `arr-${i}`, arrayProperties: { size: 3 } })),
        ),
      );
      expect(arrays.filter((s) => s.status === "fulfilled")).toHaveLength(3);
      expect(await waiting()).toBe(9);
      expect(await written()).toEqual({ jobs: 10 + 3 * 4, audits: 13 });
    } finally {
      await other.$disconnect();
    }
  });

  it("limits the SubmitJob rate with a bucket shared through the database", async () => {
    // 1 token per 100 s: nothing refills while the test runs; the bucket holds 3.
    const { organizationId, submit, written, api, ctx, request } = await setup("Rate", {
      submitRatePerSecond: 0.01,
      submitBurst: 3,
    });
    const client = await api();
    const send = (jobName: string) =>
      client.send(new SubmitJobCommand({ jobName, jobQueue: "q", jobDefinition: "def" }));
    for (const name of ["a", "b", "c"]) await send(name);
    const over = await apiRefusal(send("d"));
    expect(over.name).toBe("TooManyRequestsException");
    expect(over.status).toBe(429);
    expect(over.message).toMatch(
      /^Too many SubmitJob requests: this organization's quota "SubmitJob requests per second" is 0\.01, in bursts of up to 3\. Try again in [\d.]+ s\.$/,
    );
    expect(await written()).toEqual({ jobs: 3, audits: 3 });

    // The console's submit meets the same bucket.
    const consoleRefusal = await refusal(submit({ jobName: "console" }));
    expect(consoleRefusal.code).toBe("RATE_LIMITED");
    expect(consoleRefusal.message).toContain(`quota "SubmitJob requests per second"`);

    // A schedule fire or rule target (the system) is not rate-limited, and takes no token.
    await submit({ jobName: "fired" }, { ...ctx, actor: { ...ctx.actor, source: "system" } });
    expect(await written()).toEqual({ jobs: 4, audits: 4 });

    // 150 s later, by the bucket's own clock: one and a half tokens came back.
    const key = submitBucketKey(organizationId);
    const bucket = await t.db.tokenBucket.findUniqueOrThrow({ where: { key } });
    expect(bucket.tokens).toBeLessThan(1);
    await t.db.tokenBucket.update({ where: { key }, data: { updatedAt: bucket.updatedAt - 150_000n } });
    await send("e");
    expect((await apiRefusal(send("f"))).name).toBe("TooManyRequestsException");

    // Long idle: back to a full bucket, no more.
    await t.db.tokenBucket.update({ where: { key }, data: { updatedAt: 0n } });
    for (const name of ["g", "h", "i"]) await send(name);
    expect((await apiRefusal(send("j"))).status).toBe(429);
    expect(await written()).toEqual({ jobs: 8, audits: 8 });

    // On AWS Batch, the rate is Batchdeck's too: refused before anything is relayed.
    const aws = await refusal(awsSubmitJob({} as AwsClients, ctx, request({ jobName: "aws" })));
    expect(aws.code).toBe("RATE_LIMITED");
  });

  it("hands out no more tokens than the bucket holds to requests sent all at once", async () => {
    const { ctx, request, written } = await setup("Burst", { submitRatePerSecond: 0.01, submitBurst: 5 });
    const other: Db = createDb(t.url);
    try {
      const settled = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          submitJob(i % 2 === 0 ? ctx : { ...ctx, db: other }, request({ jobName: `b${i}` })),
        ),
      );
      expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(5);
      for (const s of settled) if (s.status === "rejected") expect(s.reason).toMatchObject({ code: "RATE_LIMITED" });
      expect(await written()).toEqual({ jobs: 5, audits: 5 });
    } finally {
      await other.$disconnect();
    }
  });

  it("runs no quota statement for an organization without quotas", async () => {
    const { organizationId, submit, written } = await setup("Unlimited", {});
    await submit({ arrayProperties: { size: 50 } });
    for (let i = 0; i < 5; i++) await submit({ jobName: `u${i}` });
    expect(await written()).toEqual({ jobs: 56, audits: 6 });
    expect(await t.db.tokenBucket.count({ where: { key: submitBucketKey(organizationId) } })).toBe(0);
  });
});
