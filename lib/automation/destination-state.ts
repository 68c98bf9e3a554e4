// What the Notifications console does with webhook endpoints beyond EventBridge's own operations
// (event-destinations.ts): resume one the engine paused, queue a test event to it, read the
// organization's delivery log; and an endpoint as the console creates and deletes it, a
// connection named after it with the destination on top.
//
// Delivery rows are the engine's (engine/event-router.ts: the router queues them, Deliveries
// posts them): a test event is one more PENDING row, due now, that the engine sends like any
// other. A delivery's status is PENDING (to be posted at nextAttemptAt), DELIVERED or, after a
// day of failures, FAILED; the database default is PENDING.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { type OrgContext, requirePermission } from "@/lib/auth/context";
import { jobArn, jobDefinitionArn, jobQueueArn } from "@/lib/batch/arn";
import type { JobDetail } from "@/lib/batch/shapes/jobs";
import { JobStatus } from "@/lib/batch/states";
import type { DbOrTx } from "@/lib/db";
import { writeTransaction } from "@/lib/db/write-transaction";
import { env } from "@/lib/env";
import { AppError, conflict, invalid } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { accountIdOf } from "@/lib/resources/account";
import { isUniqueViolation } from "@/lib/resources/refs";
import {
  checkInvocationEndpoint,
  createApiDestination,
  createConnection,
  deleteApiDestination,
  deleteConnection,
} from "./event-destinations";
import { eventsArn, eventsName, parseEventsInput, text } from "./events-input";
import { jobStateChangeEvent } from "./job-event";

/** The rule name a test event's delivery carries: no rule may be called this ("(" is not allowed). */
export const TEST_RULE_NAME = "(test)";
export const TEST_TARGET_ID = "test";
/** The most rows listDeliveries returns. */
export const MAX_DELIVERIES_LISTED = 500;

const nameInput = z.object({ Name: eventsName("Name") });

async function findDestination(db: DbOrTx, organizationId: string, name: string) {
  const row = await db.apiDestination.findUnique({ where: { organizationId_name: { organizationId, name } } });
  if (!row) throw new AppError("NOT_FOUND", `Webhook endpoint ${name} does not exist.`);
  return row;
}

// ---- Resume -----------------------------------------------------------------------------------

/**
 * Makes a paused (or inactive) endpoint ACTIVE again. Its PENDING deliveries stay as they are and
 * go out at their next attempt; the ones already given up (FAILED) are not sent again.
 */
export async function resumeApiDestination(
  ctx: OrgContext,
  name: string,
  now = Date.now(),
): Promise<{ state: "ACTIVE"; previousState: string }> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(nameInput, { Name: name });
  const { organizationId } = ctx;
  return writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    const d = await findDestination(tx, organizationId, v.Name);
    if (d.state === "ACTIVE") return { state: "ACTIVE", previousState: d.state };
    await tx.apiDestination.update({
      where: { id: d.id },
      data: { state: "ACTIVE", stateReason: null, updatedAt: BigInt(now) },
    });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "apiDestination.resume",
      targetType: "apiDestination",
      targetId: d.arn,
      details: { previousState: d.state, previousReason: d.stateReason },
    });
    return { state: "ACTIVE", previousState: d.state };
  });
}

// ---- Test event -------------------------------------------------------------------------------

/** A job as DescribeJobs would show it after failing: made up, of this account and region. */
function sampleFailedJob(accountId: string, now: number): JobDetail {
  const jobId = `test-${randomUUID()}`;
  const reason = "Essential container in task exited";
  return {
    jobArn: jobArn(accountId, jobId),
    jobName: "batchdeck-test-event",
    jobId,
    jobQueue: jobQueueArn(accountId, "test-queue"),
    status: JobStatus.FAILED,
    statusReason: reason,
    schedulingPriority: 0,
    attempts: [
      {
        container: { exitCode: 1, logStreamName: `test-definition/default/${jobId}` },
        startedAt: now - 30_000,
        stoppedAt: now,
        statusReason: reason,
      },
    ],
    createdAt: now - 60_000,
    startedAt: now - 30_000,
    stoppedAt: now,
    dependsOn: [],
    jobDefinition: jobDefinitionArn(accountId, "test-definition", 1),
    parameters: {},
    container: { image: "busybox", command: ["sh", "-c", "exit 1"], exitCode: 1 },
    tags: {},
    propagateTags: false,
    platformCapabilities: ["EC2"],
    isCancelled: false,
    isTerminated: false,
  };
}

/**
 * Queues a "Batch Job State Change" event for a made-up FAILED job (ids prefixed "test-") to one
 * endpoint, due now: the engine signs and sends it like any rule's delivery, and it appears in the
 * delivery log under the rule name "(test)". A paused endpoint keeps it until it is resumed.
 */
export async function queueTestEvent(
  ctx: OrgContext,
  destinationName: string,
  now = Date.now(),
): Promise<{ deliveryId: string; eventId: string; jobId: string }> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(nameInput, { Name: destinationName });
  const { organizationId } = ctx;
  const accountId = await accountIdOf(ctx.db, organizationId);
  const job = sampleFailedJob(accountId, now);
  const event = jobStateChangeEvent({
    id: `test-${randomUUID()}`,
    time: new Date(now),
    region: env().BATCHDECK_AWS_REGION,
    account: accountId,
    job,
  });
  const deliveryId = newId();
  await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
    const d = await findDestination(tx, organizationId, v.Name);
    await tx.eventDelivery.create({
      data: {
        id: deliveryId,
        organizationId,
        ruleName: TEST_RULE_NAME,
        targetId: TEST_TARGET_ID,
        apiDestinationArn: d.arn,
        eventId: event.id,
        body: JSON.stringify(event),
        nextAttemptAt: BigInt(now),
        createdAt: BigInt(now),
      },
    });
    await recordAudit(tx, {
      organizationId,
      actor: ctx.actor,
      action: "apiDestination.testEvent",
      targetType: "apiDestination",
      targetId: d.arn,
      details: { deliveryId, eventId: event.id },
    });
  });
  return { deliveryId, eventId: event.id, jobId: job.jobId };
}

// ---- Delivery log -----------------------------------------------------------------------------

export interface DeliveryAttemptView {
  at: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryView {
  id: string;
  ruleName: string;
  /** Queued by "Send test event" (queueTestEvent), not by a rule. */
  test: boolean;
  targetId: string;
  /** The endpoint's name, read from its ARN (still known after the endpoint is deleted). */
  endpointName: string;
  apiDestinationArn: string;
  eventId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** When it is tried next; null once it is finished. */
  nextAttemptAt: number | null;
  createdAt: number;
  finishedAt: number | null;
  /** Oldest first. */
  log: DeliveryAttemptView[];
}

/** arn:aws:events:…:api-destination/<name>/<uuid> → <name>. */
const destinationNameOf = (arn: string) => arn.split(":").slice(5).join(":").split("/")[1] ?? arn;

/** The organization's most recent deliveries, newest first, each with its attempts. */
export async function listDeliveries(ctx: OrgContext, limit = 100): Promise<DeliveryView[]> {
  requirePermission(ctx, "resources.view");
  const take = Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_DELIVERIES_LISTED);
  const rows = await ctx.db.eventDelivery.findMany({
    where: { organizationId: ctx.organizationId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take,
    include: { log: { orderBy: { at: "asc" } } },
  });
  return rows.map((d) => ({
    id: d.id,
    ruleName: d.ruleName,
    test: d.ruleName === TEST_RULE_NAME,
    targetId: d.targetId,
    endpointName: destinationNameOf(d.apiDestinationArn),
    apiDestinationArn: d.apiDestinationArn,
    eventId: d.eventId,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.finishedAt === null ? Number(d.nextAttemptAt) : null,
    createdAt: Number(d.createdAt),
    finishedAt: d.finishedAt === null ? null : Number(d.finishedAt),
    log: d.log.map((a) => ({ at: Number(a.at), statusCode: a.statusCode, error: a.error, durationMs: a.durationMs })),
  }));
}

// ---- An endpoint as the console makes it ------------------------------------------------------

const optionalText = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string.` })
    .max(max, `${field} must be at most ${max} characters long.`)
    .optional()
    .transform((s) => (s?.trim() ? s.trim() : undefined));

export const webhookEndpointInput = z
  .object({
    name: eventsName("Name"),
    endpoint: text("Endpoint URL", 2048),
    apiKeyName: optionalText("API key header", 512),
    apiKeyValue: optionalText("API key value", 512),
  })
  .superRefine((v, issue) => {
    if (v.apiKeyName && !v.apiKeyValue) {
      issue.addIssue({ code: "custom", path: ["apiKeyValue"], message: "Give the API key's value too." });
    }
    if (v.apiKeyValue && !v.apiKeyName) {
      issue.addIssue({ code: "custom", path: ["apiKeyName"], message: "Give the header the API key is sent in." });
    }
  });
export type WebhookEndpointInput = z.input<typeof webhookEndpointInput>;

/**
 * A connection that sends no header of its own: the signature is the endpoint's proof of origin.
 * EventBridge's CreateConnection always takes credentials, so this one is written here; it is an
 * API_KEY connection without a key (the engine sends a connection's header only when it has one).
 */
async function createKeylessConnection(ctx: OrgContext, name: string, now: number): Promise<string> {
  const { organizationId } = ctx;
  const id = newId();
  try {
    return await writeTransaction(ctx.db, { lockOrganization: organizationId }, async (tx) => {
      const taken = await tx.eventConnection.findUnique({
        where: { organizationId_name: { organizationId, name } },
        select: { id: true },
      });
      if (taken) throw conflict(`Connection ${name} already exists.`);
      const arn = eventsArn(await accountIdOf(tx, organizationId), `connection/${name}/${id}`);
      await tx.eventConnection.create({
        data: {
          id,
          organizationId,
          name,
          arn,
          description: "Made by the Notifications console: sends no authorization header.",
          authorizationType: "API_KEY",
          authHeaderName: null,
          authHeaderSealed: null,
          createdAt: BigInt(now),
          updatedAt: BigInt(now),
        },
      });
      await recordAudit(tx, {
        organizationId,
        actor: ctx.actor,
        action: "eventConnection.create",
        targetType: "eventConnection",
        targetId: arn,
        details: { authorizationType: "API_KEY", header: null },
      });
      return arn;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`Connection ${name} already exists.`);
    throw error;
  }
}

/**
 * A connection named after the endpoint (with the API key header when one is given), then the
 * API destination on it. Two transactions, as the two operations are EventBridge's own: when the
 * destination is refused, the connection made for it is deleted again.
 */
export async function createWebhookEndpoint(
  ctx: OrgContext,
  input: WebhookEndpointInput,
  now = Date.now(),
): Promise<{ name: string; arn: string; signingSecret: string }> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(webhookEndpointInput, input);
  try {
    checkInvocationEndpoint(v.endpoint);
  } catch (error) {
    if (error instanceof AppError) {
      const message = error.message.replace(/^InvocationEndpoint/, "The endpoint URL");
      throw invalid(message, { endpoint: [message] });
    }
    throw error;
  }
  const taken = await ctx.db.apiDestination.findUnique({
    where: { organizationId_name: { organizationId: ctx.organizationId, name: v.name } },
    select: { id: true },
  });
  if (taken) throw invalid(`A webhook endpoint named ${v.name} already exists.`, { name: ["Already taken."] });
  const connectionArn =
    v.apiKeyName && v.apiKeyValue
      ? (
          await createConnection(
            ctx,
            {
              Name: v.name,
              Description: `For webhook endpoint ${v.name}.`,
              AuthorizationType: "API_KEY",
              AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: v.apiKeyName, ApiKeyValue: v.apiKeyValue } },
            },
            now,
          )
        ).ConnectionArn
      : await createKeylessConnection(ctx, v.name, now);
  try {
    const created = await createApiDestination(
      ctx,
      { Name: v.name, ConnectionArn: connectionArn, InvocationEndpoint: v.endpoint, HttpMethod: "POST" },
      now,
    );
    return { name: v.name, arn: created.ApiDestinationArn, signingSecret: created.SigningSecret };
  } catch (error) {
    await deleteConnection(ctx, { Name: v.name }).catch(() => {});
    throw error;
  }
}

/**
 * Deletes the endpoint (refused while a rule targets it), then its connection when the console
 * made the two together (same name) and no other endpoint uses it.
 */
export async function deleteWebhookEndpoint(ctx: OrgContext, name: string): Promise<void> {
  requirePermission(ctx, "schedules.manage");
  const v = parseEventsInput(nameInput, { Name: name });
  const d = await ctx.db.apiDestination.findUnique({
    where: { organizationId_name: { organizationId: ctx.organizationId, name: v.Name } },
    select: { connection: { select: { name: true } } },
  });
  if (!d) throw new AppError("NOT_FOUND", `Webhook endpoint ${v.Name} does not exist.`);
  await deleteApiDestination(ctx, { Name: v.Name });
  if (d.connection.name !== v.Name) return;
  try {
    await deleteConnection(ctx, { Name: v.Name });
  } catch (error) {
    // Still used by another endpoint, or already gone: the connection stays or is not there.
    if (!(error instanceof AppError)) throw error;
  }
}
