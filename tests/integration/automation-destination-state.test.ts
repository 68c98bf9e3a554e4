// The Notifications console's own operations on webhook endpoints (lib/automation/destination-
// state.ts), on both databases: an endpoint made as the console makes it (a connection with or
// without an API key, then the destination; nothing left behind when the URL is refused); resume
// of a paused endpoint with its pending deliveries left to be retried; a test event queued to one
// endpoint and sent, signed, by the engine's delivery worker like any other; the delivery log,
// newest first with its attempts, of the caller's organization only.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Deliveries } from "@/engine/event-router";
import type { OrgContext } from "@/lib/auth/context";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listDeliveries,
  queueTestEvent,
  resumeApiDestination,
} from "@/lib/automation/destination-state";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "@/lib/automation/webhook";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { freshDatabase, PROVIDERS, type TestDatabase } from "../helpers/db";
import { addMembership, contextFor, createOrgWithAdmin, createUser } from "../helpers/fixtures";

const quiet = () => {};

/** A receiver that answers 200 and keeps what it was sent. */
async function receiver() {
  const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function refusal(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe.each(PROVIDERS)("webhook endpoint state and deliveries on %s", (provider) => {
  let t: TestDatabase;
  let admin: OrgContext;
  let submitter: OrgContext;
  let other: OrgContext;
  let account: string;
  beforeAll(async () => {
    t = await freshDatabase(provider);
    const acme = await createOrgWithAdmin(t.db, "Acme");
    admin = contextFor(t.db, acme.organizationId, acme.admin, "admin");
    const user = await createUser(t.db, `submitter-${newId().slice(0, 8)}@example.com`);
    await addMembership(t.db, acme.organizationId, user.id, "submitter");
    submitter = contextFor(t.db, acme.organizationId, user, "submitter");
    const globex = await createOrgWithAdmin(t.db, "Globex");
    other = contextFor(t.db, globex.organizationId, globex.admin, "admin");
    account = (await t.db.organization.findUniqueOrThrow({ where: { id: acme.organizationId } })).accountId;
  });
  afterEach(async () => {
    await t.db.eventDelivery.deleteMany({});
    await t.db.apiDestination.deleteMany({});
    await t.db.eventConnection.deleteMany({});
  });
  afterAll(async () => {
    await t.close();
  });

  it("creates an endpoint as the console does, with or without an API key, and deletes it with its connection", async () => {
    const plain = await createWebhookEndpoint(admin, { name: "plain", endpoint: "https://example.com/a" });
    expect(plain.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(plain.arn).toMatch(new RegExp(`^arn:aws:events:[a-z0-9-]+:${account}:api-destination/plain/`));
    const plainConnection = await t.db.eventConnection.findFirstOrThrow({
      where: { organizationId: admin.organizationId, name: "plain" },
    });
    // No header of its own: the engine sends a connection's header only when it has one.
    expect(plainConnection).toMatchObject({
      authorizationType: "API_KEY",
      authHeaderName: null,
      authHeaderSealed: null,
    });

    await createWebhookEndpoint(admin, {
      name: "keyed",
      endpoint: "https://example.com/b",
      apiKeyName: "x-api-key",
      apiKeyValue: "k-123",
    });
    const keyed = await t.db.eventConnection.findFirstOrThrow({ where: { name: "keyed" } });
    expect(keyed.authHeaderName).toBe("x-api-key");
    expect(keyed.authHeaderSealed).not.toContain("k-123");

    // Refused before anything is made: a half-given key, a URL that is not one, a taken name.
    expect(
      (await refusal(createWebhookEndpoint(admin, { name: "half", endpoint: "https://x.test", apiKeyName: "k" })))
        .message,
    ).toBe("apiKeyValue: Give the API key's value too.");
    expect((await refusal(createWebhookEndpoint(admin, { name: "bad", endpoint: "not a url" }))).fieldErrors).toEqual({
      endpoint: ["The endpoint URL must be an absolute URL."],
    });
    expect(
      (await refusal(createWebhookEndpoint(admin, { name: "plain", endpoint: "https://example.com/c" }))).code,
    ).toBe("INVALID_INPUT");
    expect(await t.db.eventConnection.count({ where: { name: { in: ["half", "bad"] } } })).toBe(0);
    expect((await refusal(createWebhookEndpoint(submitter, { name: "mine", endpoint: "https://x.test" }))).code).toBe(
      "FORBIDDEN",
    );

    await deleteWebhookEndpoint(admin, "plain");
    expect(await t.db.apiDestination.count({ where: { name: "plain" } })).toBe(0);
    expect(await t.db.eventConnection.count({ where: { name: "plain" } })).toBe(0);
    expect((await refusal(deleteWebhookEndpoint(other, "keyed"))).code).toBe("NOT_FOUND");
  });

  it("resumes a paused endpoint, audited, leaving its pending deliveries to be retried", async () => {
    await createWebhookEndpoint(admin, { name: "paused", endpoint: "https://example.com/p" });
    const destination = await t.db.apiDestination.findFirstOrThrow({ where: { name: "paused" } });
    const reason = "Paused 2027-01-01T00:00:00.000Z: deliveries failed for 24 hours (last: ECONNREFUSED).";
    await t.db.apiDestination.update({ where: { id: destination.id }, data: { state: "PAUSED", stateReason: reason } });
    const later = BigInt(Date.now() + 60_000);
    const pending = await t.db.eventDelivery.create({
      data: {
        id: newId(),
        organizationId: admin.organizationId,
        ruleName: "r",
        targetId: "paused",
        apiDestinationArn: destination.arn,
        eventId: newId(),
        body: "{}",
        attempts: 3,
        nextAttemptAt: later,
        createdAt: BigInt(Date.now()),
      },
    });

    expect((await refusal(resumeApiDestination(submitter, "paused"))).code).toBe("FORBIDDEN");
    expect((await refusal(resumeApiDestination(other, "paused"))).code).toBe("NOT_FOUND");
    expect(await resumeApiDestination(admin, "paused")).toEqual({ state: "ACTIVE", previousState: "PAUSED" });
    expect(await t.db.apiDestination.findUniqueOrThrow({ where: { id: destination.id } })).toMatchObject({
      state: "ACTIVE",
      stateReason: null,
    });
    expect(await t.db.eventDelivery.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({
      status: "PENDING",
      attempts: 3,
      nextAttemptAt: later,
    });
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { organizationId: admin.organizationId, action: "apiDestination.resume" },
    });
    expect(audit.targetId).toBe(destination.arn);
    expect(JSON.parse(audit.details)).toEqual({ previousState: "PAUSED", previousReason: reason });

    // Already active: nothing to do, nothing audited.
    expect(await resumeApiDestination(admin, "paused")).toEqual({ state: "ACTIVE", previousState: "ACTIVE" });
    expect(await t.db.auditEvent.count({ where: { action: "apiDestination.resume" } })).toBe(1);
  });

  it("queues a test event that the delivery worker sends signed, and lists it in the delivery log", async () => {
    const hook = await receiver();
    try {
      const { signingSecret } = await createWebhookEndpoint(admin, { name: "hook", endpoint: hook.url });
      const now = Date.now();
      const queued = await queueTestEvent(admin, "hook", now);
      expect(queued.eventId).toMatch(/^test-/);
      expect(queued.jobId).toMatch(/^test-/);
      const row = await t.db.eventDelivery.findUniqueOrThrow({ where: { id: queued.deliveryId } });
      expect(row).toMatchObject({
        organizationId: admin.organizationId,
        ruleName: "(test)",
        targetId: "test",
        status: "PENDING",
        attempts: 0,
        nextAttemptAt: BigInt(now),
        eventId: queued.eventId,
      });
      expect((await refusal(queueTestEvent(submitter, "hook"))).code).toBe("FORBIDDEN");
      expect((await refusal(queueTestEvent(other, "hook"))).code).toBe("NOT_FOUND");
      expect(await t.db.auditEvent.count({ where: { action: "apiDestination.testEvent" } })).toBe(1);

      expect(await new Deliveries(t.db, { hosted: false, log: quiet }).tick(Date.now())).toBe(1);
      expect(hook.received).toHaveLength(1);
      const [got] = hook.received;
      const timestamp = Number(got?.headers[TIMESTAMP_HEADER]);
      expect(
        verifyWebhookSignature(signingSecret, timestamp, got?.body ?? "", got?.headers[SIGNATURE_HEADER] as string),
      ).toBe(true);
      const event = JSON.parse(got?.body ?? "{}");
      expect(event).toMatchObject({
        version: "0",
        id: queued.eventId,
        "detail-type": "Batch Job State Change",
        source: "aws.batch",
        account,
        resources: [`arn:aws:batch:${event.region}:${account}:job/${queued.jobId}`],
        detail: { jobId: queued.jobId, status: "FAILED", statusReason: "Essential container in task exited" },
      });
      expect(event.detail.jobQueue).toMatch(new RegExp(`:${account}:job-queue/`));

      const [logged] = await listDeliveries(admin, 100);
      expect(logged).toMatchObject({
        id: queued.deliveryId,
        ruleName: "(test)",
        endpointName: "hook",
        status: "DELIVERED",
        attempts: 1,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
      });
      expect(logged?.log).toEqual([
        { at: expect.any(Number), statusCode: 200, error: null, durationMs: expect.any(Number) },
      ]);
    } finally {
      await hook.close();
    }
  });

  it("lists the organization's latest deliveries, newest first, up to the limit, to every role", async () => {
    await createWebhookEndpoint(admin, { name: "log", endpoint: "https://example.com/log" });
    await createWebhookEndpoint(other, { name: "theirs", endpoint: "https://example.com/theirs" });
    const base = Date.now() - 10_000;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await queueTestEvent(admin, "log", base + i * 1000)).deliveryId);
    await queueTestEvent(other, "theirs", base + 5000);
    const failed = await t.db.eventDelivery.update({
      where: { id: ids[0] },
      data: {
        status: "FAILED",
        attempts: 2,
        lastStatusCode: 500,
        lastError: "the endpoint answered HTTP 500",
        finishedAt: BigInt(base + 2000),
        log: {
          create: [
            { id: newId(), at: BigInt(base + 100), statusCode: null, error: "ECONNREFUSED", durationMs: 3 },
            {
              id: newId(),
              at: BigInt(base + 2000),
              statusCode: 500,
              error: "the endpoint answered HTTP 500",
              durationMs: 12,
            },
          ],
        },
      },
    });

    const listed = await listDeliveries(submitter, 100);
    expect(listed.map((d) => d.id)).toEqual([...ids].reverse());
    expect(listed.every((d) => d.endpointName === "log")).toBe(true);
    expect(listed[2]).toMatchObject({
      id: failed.id,
      status: "FAILED",
      attempts: 2,
      lastStatusCode: 500,
      nextAttemptAt: null,
      finishedAt: base + 2000,
      log: [
        { at: base + 100, statusCode: null, error: "ECONNREFUSED", durationMs: 3 },
        { at: base + 2000, statusCode: 500, error: "the endpoint answered HTTP 500", durationMs: 12 },
      ],
    });
    expect(listed[0]).toMatchObject({ status: "PENDING", nextAttemptAt: base + 2000, log: [] });
    expect((await listDeliveries(admin, 2)).map((d) => d.id)).toEqual([ids[2], ids[1]]);
    expect((await listDeliveries(other, 100)).map((d) => d.endpointName)).toEqual(["theirs"]);
  });
});
