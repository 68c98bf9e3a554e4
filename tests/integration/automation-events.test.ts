// Job state change events end to end below the API: the triggers on Job write an event per status
// change (only for organizations with an enabled rule), the router matches rules and queues
// deliveries, and the delivery worker posts them, signed, to a real HTTP server on loopback:
// retries after a 500 and a timeout, at least once when an engine stops mid-delivery, given up
// and the destination paused after a day, refused on loopback when hosted; and a job-queue target
// that starts B when A succeeds. On both databases.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Deliveries, EventRouter, RULE_TAG } from "@/engine/event-router";
import type { OrgContext } from "@/lib/auth/context";
import { backendFireDeps } from "@/lib/automation/fire-deps";
import { DELIVERY_KEEP_MS, pruneAutomation } from "@/lib/automation/prune";
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "@/lib/automation/webhook";
import { jobQueueArn } from "@/lib/batch/arn";
import { newId } from "@/lib/ids";
import { submitJob } from "@/lib/jobs/submit-job";
import { seedWebhookRule } from "../helpers/automation-fixtures";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { contextFor, createOrgWithAdmin } from "../helpers/fixtures";
import { forceStatus, seedDefinition, seedQueue } from "../helpers/job-fixtures";

const SECRET = "whsec-test-secret";
const quiet = () => {};

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

/** A webhook receiver whose answer to each request the test decides. */
async function receiver(answer: (n: number, res: ServerResponse) => void) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      answer(received.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const ok = (_: number, res: ServerResponse) => res.writeHead(200).end("ok");

describe.each(PROVIDERS)("job state change events on %s", (provider) => {
  let t: TestDatabase;
  let ctx: OrgContext;
  let account: string;
  let closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    t = await freshDatabase(provider);
    const { organizationId, admin } = await createOrgWithAdmin(t.db, "Acme");
    ctx = contextFor(t.db, organizationId, admin, "admin");
    account = (await t.db.organization.findUniqueOrThrow({ where: { id: organizationId } })).accountId;
    await seedQueue(t.db, organizationId, { name: "q" });
    await seedDefinition(t.db, organizationId, { name: "d" });
  });
  afterEach(async () => {
    for (const close of closers) await close();
    closers = [];
    // Each test starts with no rules, events or deliveries of the previous one.
    await t.db.eventTarget.deleteMany({});
    await t.db.eventRule.deleteMany({});
    await t.db.jobStateEvent.deleteMany({});
    await t.db.eventDelivery.deleteMany({});
    await t.db.apiDestination.deleteMany({});
    await t.db.eventConnection.deleteMany({});
  });
  afterAll(async () => {
    await t.close();
  });

  const webhookRule = (url: string, pattern: unknown, name = "notify") =>
    seedWebhookRule(t.db, ctx.organizationId, {
      url,
      secret: SECRET,
      pattern,
      name,
      header: { name: "x-api-key", value: "key-123" },
    });

  const failedOrSucceeded = {
    source: ["aws.batch"],
    "detail-type": ["Batch Job State Change"],
    detail: { status: ["SUCCEEDED", "FAILED"] },
  };

  async function runJob(name: string, statuses = ["RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"]) {
    const { jobId } = await submitJob(ctx, { jobName: name, jobQueue: "q", jobDefinition: "d" });
    for (const status of statuses) await forceStatus(t.db, [jobId], status, { updatedAt: BigInt(Date.now()) });
    return jobId;
  }

  const router = () => new EventRouter(t.db, backendFireDeps(t.db), quiet);
  const deliveries = (hosted = false, timeoutMs?: number) => new Deliveries(t.db, { hosted, timeoutMs, log: quiet });

  it("writes an event per status change only while the organization has an enabled rule", async () => {
    await runJob("before-any-rule");
    expect(await t.db.jobStateEvent.count()).toBe(0);
    const hook = await receiver(ok);
    closers.push(hook.close);
    await webhookRule(hook.url, failedOrSucceeded);
    await runJob("with-a-rule");
    // A job without dependencies is written RUNNABLE: its first event says so.
    expect((await t.db.jobStateEvent.findMany({ orderBy: { seq: "asc" } })).map((e) => e.status)).toEqual([
      "RUNNABLE",
      "STARTING",
      "RUNNING",
      "SUCCEEDED",
    ]);
    await t.db.eventRule.updateMany({ data: { state: "DISABLED" } });
    await t.db.jobStateEvent.deleteMany({});
    await runJob("rule-disabled");
    expect(await t.db.jobStateEvent.count()).toBe(0);
  });

  it("delivers matching changes in AWS's event shape, signed, with the connection's header", async () => {
    const hook = await receiver(ok);
    closers.push(hook.close);
    await webhookRule(hook.url, failedOrSucceeded);
    const jobId = await runJob("nightly");
    const failedId = await runJob("broken", ["RUNNABLE", "FAILED"]);
    expect(await router().tick(Date.now())).toBe(6);
    expect(await t.db.jobStateEvent.count()).toBe(0);
    expect(await deliveries().tick(Date.now())).toBe(2);
    expect(hook.received).toHaveLength(2);
    const events = hook.received.map((r) => {
      const timestamp = Number(r.headers[TIMESTAMP_HEADER]);
      expect(verifyWebhookSignature(SECRET, timestamp, r.body, r.headers[SIGNATURE_HEADER] as string)).toBe(true);
      expect(verifyWebhookSignature("another-secret", timestamp, r.body, r.headers[SIGNATURE_HEADER] as string)).toBe(
        false,
      );
      expect(r.headers["x-api-key"]).toBe("key-123");
      return JSON.parse(r.body);
    });
    const byJob = new Map(events.map((e) => [e.detail.jobId, e]));
    expect(byJob.get(jobId)).toMatchObject({
      version: "0",
      source: "aws.batch",
      "detail-type": "Batch Job State Change",
      account,
      region: "us-east-1",
      resources: [expect.stringContaining(`:job/${jobId}`)],
      detail: { jobId, jobName: "nightly", status: "SUCCEEDED", jobQueue: jobQueueArn(account, "q") },
    });
    expect(byJob.get(failedId)?.detail.status).toBe("FAILED");
    const rows = await t.db.eventDelivery.findMany({ include: { log: true } });
    expect(rows.map((r) => [r.status, r.attempts, r.log.length, r.log[0]?.statusCode])).toEqual([
      ["DELIVERED", 1, 1, 200],
      ["DELIVERED", 1, 1, 200],
    ]);
  });

  it("retries after a 500 and a timeout, with the same delivery id, until the endpoint answers", async () => {
    const hook = await receiver((n, res) => {
      if (n === 1) res.writeHead(500).end("boom");
      else if (n === 2)
        return; // never answers: the attempt times out
      else res.writeHead(204).end();
    });
    closers.push(hook.close);
    await webhookRule(hook.url, failedOrSucceeded);
    await runJob("flaky");
    await router().tick(Date.now());
    const worker = deliveries(false, 500);
    await worker.tick(Date.now());
    let row = await t.db.eventDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ status: "PENDING", attempts: 1, lastStatusCode: 500 });
    // Not due again until its backoff has passed.
    expect(await worker.tick(Date.now())).toBe(0);
    await worker.tick(Number(row.nextAttemptAt));
    row = await t.db.eventDelivery.findFirstOrThrow();
    expect(row).toMatchObject({ status: "PENDING", attempts: 2 });
    expect(row.lastError).toMatch(/timed out/);
    await worker.tick(Number(row.nextAttemptAt));
    row = await t.db.eventDelivery.findFirstOrThrow({ include: { log: { orderBy: { at: "asc" } } } });
    expect(row).toMatchObject({ status: "DELIVERED", attempts: 3 });
    expect(hook.received.map((r) => r.headers[DELIVERY_HEADER])).toEqual([row.id, row.id, row.id]);
    expect((row as unknown as { log: { statusCode: number | null }[] }).log.map((a) => a.statusCode)).toEqual([
      500,
      null,
      204,
    ]);
  });

  it("loses nothing when the engine stops mid-delivery: the successor delivers it again", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const hook = await receiver((n, res) => {
      if (n === 1) void held.then(() => res.writeHead(200).end());
      else res.writeHead(200).end();
    });
    closers.push(hook.close);
    await webhookRule(hook.url, failedOrSucceeded);
    await runJob("in-flight");
    await router().tick(Date.now());
    // The first engine posts and is gone before it records the answer.
    const first = deliveries().tick(Date.now());
    while (hook.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect((await t.db.eventDelivery.findFirstOrThrow()).status).toBe("PENDING");
    await deliveries().tick(Date.now());
    expect((await t.db.eventDelivery.findFirstOrThrow()).status).toBe("DELIVERED");
    release();
    await first;
    expect(hook.received).toHaveLength(2);
    expect(hook.received[0]!.headers[DELIVERY_HEADER]).toBe(hook.received[1]!.headers[DELIVERY_HEADER]);
  });

  it("gives a delivery up after a day of failures and pauses its destination", async () => {
    const hook = await receiver((_, res) => res.writeHead(503).end());
    closers.push(hook.close);
    const { destinationId } = await webhookRule(hook.url, failedOrSucceeded);
    await runJob("doomed");
    await router().tick(Date.now());
    const start = Date.now();
    const worker = deliveries();
    await worker.tick(start);
    await worker.tick(start + 25 * 3600_000);
    expect(await t.db.eventDelivery.findFirstOrThrow()).toMatchObject({ status: "FAILED", attempts: 2 });
    const destination = await t.db.apiDestination.findUniqueOrThrow({ where: { id: destinationId } });
    expect(destination.state).toBe("PAUSED");
    expect(destination.stateReason).toMatch(/failed for 24 hours/);
    // A paused destination's new deliveries wait for it to be resumed.
    await runJob("while-paused");
    await router().tick(Date.now());
    expect(await worker.tick(start + 26 * 3600_000)).toBe(0);
    expect(hook.received).toHaveLength(2);
  });

  it("prunes finished deliveries after a week, keeping pending ones and recent ones", async () => {
    const hook = await receiver(ok);
    closers.push(hook.close);
    await webhookRule(hook.url, failedOrSucceeded);
    await runJob("kept");
    await runJob("old", ["RUNNABLE", "FAILED"]);
    await router().tick(Date.now());
    await deliveries().tick(Date.now());
    await runJob("pending");
    await router().tick(Date.now());
    const [oldJob] = await t.db.job.findMany({ where: { name: "old" } });
    const old = (await t.db.eventDelivery.findMany()).find((d) => d.body.includes(oldJob!.id))!;
    await t.db.eventDelivery.update({
      where: { id: old.id },
      data: { finishedAt: BigInt(Date.now() - DELIVERY_KEEP_MS - 1000), nextAttemptAt: 0n },
    });
    expect(await pruneAutomation(t.db)).toEqual({ deliveries: 1, fires: 0 });
    expect((await t.db.eventDelivery.findMany()).map((d) => d.status).sort()).toEqual(["DELIVERED", "PENDING"]);
    expect(await t.db.eventDeliveryAttempt.count({ where: { deliveryId: old.id } })).toBe(0);
  });

  it("fails only the delivery whose endpoint secret cannot be opened, and delivers the others", async () => {
    const hook = await receiver(ok);
    closers.push(hook.close);
    const broken = await webhookRule(hook.url, failedOrSucceeded, "broken");
    await webhookRule(hook.url, failedOrSucceeded, "fine");
    // Sealed under a key this server does not have.
    await t.db.apiDestination.update({
      where: { id: broken.destinationId },
      data: { signingSecretSealed: "v1.0000000000000000.AAAA.AAAA.AAAA" },
    });
    await runJob("two-rules");
    await router().tick(Date.now());
    expect(await deliveries().tick(Date.now())).toBe(2);
    expect(hook.received).toHaveLength(1);
    const rows = await t.db.eventDelivery.findMany({ orderBy: { ruleName: "asc" } });
    expect(rows.map((r) => [r.ruleName, r.status])).toEqual([
      ["broken", "PENDING"],
      ["fine", "DELIVERED"],
    ]);
    expect(rows[0]!.lastError).toMatch(/cannot be opened/);
  });

  it("refuses to connect to a loopback endpoint when hosted, and says so without the address", async () => {
    const hook = await receiver(ok);
    closers.push(hook.close);
    await webhookRule(hook.url, failedOrSucceeded);
    await runJob("hosted");
    await router().tick(Date.now());
    await deliveries(true).tick(Date.now());
    expect(hook.received).toHaveLength(0);
    const row = await t.db.eventDelivery.findFirstOrThrow();
    expect(row.lastError).toMatch(/private, loopback or link-local/);
    expect(row.lastError).not.toContain("127.0.0.1");
  });

  it("starts B when A succeeds through a job-queue target, and not again for B's own changes", async () => {
    const now = BigInt(Date.now());
    await t.db.eventRule.create({
      data: {
        id: newId(),
        organizationId: ctx.organizationId,
        name: "a-then-b",
        arn: `arn:aws:events:us-east-1:${account}:rule/a-then-b`,
        eventPattern: JSON.stringify({ detail: { status: ["SUCCEEDED"] } }),
        createdAt: now,
        updatedAt: now,
        targets: {
          create: [
            {
              id: newId(),
              organizationId: ctx.organizationId,
              targetId: "b",
              arn: jobQueueArn(account, "q"),
              kind: "JOB_QUEUE",
              batchParameters: JSON.stringify({ jobDefinition: "d", jobName: "B" }),
              createdAt: now,
            },
          ],
        },
      },
    });
    await runJob("A");
    await router().tick(Date.now());
    const bs = await t.db.job.findMany({ where: { organizationId: ctx.organizationId, name: "B" } });
    expect(bs).toHaveLength(1);
    expect(JSON.parse(bs[0]!.tags)[RULE_TAG]).toContain("rule/a-then-b");
    await forceStatus(t.db, [bs[0]!.id], "SUCCEEDED");
    await router().tick(Date.now());
    expect(await t.db.job.count({ where: { organizationId: ctx.organizationId, name: "B" } })).toBe(1);
  });
});
