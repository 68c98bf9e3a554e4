// Job state change events, from the database to their targets. Triggers on Job (migration
// "automation") write a JobStateEvent for every status a job of an organization with an enabled
// rule takes, in the transaction that changes it. The router reads them in order, builds AWS's
// "Batch Job State Change" event (detail = the job as DescribeJobs shows it, at the status of the
// change), matches each enabled rule's pattern and:
//   - for a webhook target, queues an EventDelivery in the same transaction that deletes the
//     events (nothing is lost when the engine stops; a delivery is at least once);
//   - for a job queue target, submits the job (BatchParameters) through the organization's backend.
// The delivery worker (Deliveries) posts queued deliveries, signed, with exponential backoff for
// a day; an API destination whose delivery failed for a day is paused.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/generated/sqlite/client";
import type { OrgContext } from "@/lib/auth/context";
import { type EventPattern, matchesEventPattern, parseEventPattern } from "@/lib/automation/event-pattern";
import { jobStateChangeEvent } from "@/lib/automation/job-event";
import type { FireDeps } from "@/lib/automation/schedule-fire";
import { DELIVERY_GIVE_UP_MS, deliverWebhook, nextRetryDelayMs, shouldGiveUp } from "@/lib/automation/webhook";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { describeJobs } from "@/lib/jobs/describe-jobs";
import type { EngineLog } from "@/lib/log";
import { accountIdOf } from "@/lib/resources/account";
import { decryptSecret } from "@/lib/secrets";

/** Tag of a job a rule's job-queue target submitted: its events do not trigger that rule again. */
export const RULE_TAG = "batchdeck:rule";
const EVENTS_PER_TICK = 500;
const DELIVERIES_PER_TICK = 50;
const DELIVERY_CONCURRENCY = 8;
export const DELIVERY_TIMEOUT_MS = 10_000;

interface RuleView {
  id: string;
  name: string;
  arn: string;
  pattern: EventPattern;
  targets: {
    id: string;
    targetId: string;
    kind: string;
    arn: string;
    input: string | null;
    batchParameters: string | null;
  }[];
}

const systemContext = (db: Db, organizationId: string, label: string): OrgContext => ({
  db,
  organizationId,
  role: "developer",
  user: { id: "events", email: label, name: label },
  actor: { userId: null, email: label, source: "system" },
});

export class EventRouter {
  private patterns = new Map<string, { updatedAt: bigint; pattern: EventPattern }>();

  constructor(
    private readonly db: Db,
    private readonly fire: FireDeps,
    private readonly log: EngineLog,
  ) {}

  /** Routes up to a tick's worth of events; returns how many were read. */
  async tick(now: number): Promise<number> {
    const events = await this.db.jobStateEvent.findMany({ orderBy: { seq: "asc" }, take: EVENTS_PER_TICK });
    if (events.length === 0) return 0;
    const deliveries: Prisma.EventDeliveryCreateManyInput[] = [];
    const submissions: {
      organizationId: string;
      rule: RuleView;
      target: RuleView["targets"][number];
      event: unknown;
    }[] = [];
    const byOrg = new Map<string, typeof events>();
    for (const e of events) {
      const list = byOrg.get(e.organizationId);
      if (list) list.push(e);
      else byOrg.set(e.organizationId, [e]);
    }
    for (const [organizationId, orgEvents] of byOrg) {
      const rules = await this.rulesOf(organizationId);
      if (rules.length === 0) continue;
      const ctx = systemContext(this.db, organizationId, "events");
      const account = await accountIdOf(this.db, organizationId);
      const jobs = new Map<string, Record<string, unknown>>();
      const ids = [...new Set(orgEvents.map((e) => e.jobId))];
      for (let i = 0; i < ids.length; i += 100) {
        const { jobs: found } = await describeJobs(ctx, { jobs: ids.slice(i, i + 100) });
        for (const j of found) jobs.set(j.jobId, j as unknown as Record<string, unknown>);
      }
      for (const e of orgEvents) {
        const job = jobs.get(e.jobId);
        if (!job) continue; // deleted since (retention): nothing left to describe
        const event = jobStateChangeEvent({
          id: randomUUID(),
          time: new Date(Number(e.at)),
          region: env().BATCHDECK_AWS_REGION,
          account,
          // The job as it was at this change: later changes have their own events.
          job: { ...job, status: e.status, statusReason: e.statusReason ?? undefined },
        });
        const tags = (job.tags ?? {}) as Record<string, string>;
        for (const rule of rules) {
          if (!matchesEventPattern(rule.pattern, event)) continue;
          for (const target of rule.targets) {
            if (target.kind === "WEBHOOK") {
              deliveries.push({
                id: newId(),
                organizationId,
                ruleName: rule.name,
                targetId: target.targetId,
                apiDestinationArn: target.arn,
                eventId: event.id,
                body: target.input ?? JSON.stringify(event),
                nextAttemptAt: BigInt(now),
                createdAt: BigInt(now),
              });
            } else if (target.kind === "JOB_QUEUE" && tags[RULE_TAG] !== rule.arn) {
              submissions.push({ organizationId, rule, target, event });
            }
          }
        }
      }
    }
    for (const s of submissions) await this.submitFor(s.organizationId, s.rule, s.target);
    const lastSeq = events[events.length - 1]!.seq;
    await this.db.$transaction([
      this.db.eventDelivery.createMany({ data: deliveries }),
      this.db.jobStateEvent.deleteMany({ where: { seq: { lte: lastSeq } } }),
    ]);
    return events.length;
  }

  private async rulesOf(organizationId: string): Promise<RuleView[]> {
    const rows = await this.db.eventRule.findMany({
      where: { organizationId, state: "ENABLED" },
      include: { targets: true },
    });
    const views: RuleView[] = [];
    for (const r of rows) {
      let cached = this.patterns.get(r.id);
      if (!cached || cached.updatedAt !== r.updatedAt) {
        try {
          cached = { updatedAt: r.updatedAt, pattern: parseEventPattern(r.eventPattern) };
        } catch (error) {
          this.log("event rule has an invalid pattern", { level: "warn", rule: r.arn, error });
          continue;
        }
        this.patterns.set(r.id, cached);
      }
      views.push({ id: r.id, name: r.name, arn: r.arn, pattern: cached.pattern, targets: r.targets });
    }
    return views;
  }

  private async submitFor(organizationId: string, rule: RuleView, target: RuleView["targets"][number]) {
    const p = JSON.parse(target.batchParameters ?? "{}") as {
      JobDefinition?: string;
      JobName?: string;
      ArrayProperties?: { Size?: number };
      RetryAttempts?: { Attempts?: number };
    };
    const ctx = systemContext(this.db, organizationId, `rule ${rule.name}`);
    try {
      await this.fire.submit(ctx, {
        jobQueue: target.arn,
        jobDefinition: p.JobDefinition ?? "",
        jobName: p.JobName ?? rule.name,
        ...(p.ArrayProperties?.Size ? { arrayProperties: { size: p.ArrayProperties.Size } } : {}),
        ...(p.RetryAttempts?.Attempts ? { retryStrategy: { attempts: p.RetryAttempts.Attempts } } : {}),
        tags: { [RULE_TAG]: rule.arn.slice(0, 256) },
      });
    } catch (error) {
      this.log("event rule target could not submit its job", {
        level: "warn",
        rule: rule.arn,
        target: target.targetId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

export class Deliveries {
  constructor(
    private readonly db: Db,
    private readonly opts: { hosted: boolean; timeoutMs?: number; log: EngineLog },
  ) {}

  /** Posts the deliveries that are due; returns how many were attempted. */
  async tick(now: number): Promise<number> {
    const due = await this.db.eventDelivery.findMany({
      where: { status: "PENDING", nextAttemptAt: { lte: BigInt(now) } },
      orderBy: { nextAttemptAt: "asc" },
      take: DELIVERIES_PER_TICK,
    });
    if (due.length === 0) return 0;
    const destinations = await this.db.apiDestination.findMany({
      where: { arn: { in: [...new Set(due.map((d) => d.apiDestinationArn))] } },
      include: { connection: true },
    });
    const byArn = new Map(destinations.map((d) => [d.arn, d]));
    let attempted = 0;
    const queue = [...due];
    const worker = async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const destination = byArn.get(d.apiDestinationArn);
        if (!destination) {
          await this.finish(d.id, "FAILED", now, { error: "The API destination was deleted." });
          continue;
        }
        if (destination.state !== "ACTIVE") continue; // paused or inactive: kept for when it resumes
        attempted++;
        await this.attempt(d, destination, now);
      }
    };
    await Promise.all(Array.from({ length: DELIVERY_CONCURRENCY }, worker));
    return attempted;
  }

  private async attempt(
    d: { id: string; body: string; attempts: number; firstAttemptAt: bigint | null },
    destination: {
      id: string;
      invocationEndpoint: string;
      signingSecretSealed: string;
      connection: { id: string; authHeaderName: string | null; authHeaderSealed: string | null };
    },
    now: number,
  ) {
    const secret = decryptSecret(destination.signingSecretSealed, { context: `api-destination:${destination.id}` });
    const c = destination.connection;
    const extraHeaders =
      c.authHeaderName && c.authHeaderSealed
        ? { [c.authHeaderName]: decryptSecret(c.authHeaderSealed, { context: `event-connection:${c.id}` }) }
        : undefined;
    const result = await deliverWebhook({
      url: destination.invocationEndpoint,
      body: d.body,
      secret,
      deliveryId: d.id,
      timeoutMs: this.opts.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      refusePrivateAddresses: this.opts.hosted,
      extraHeaders,
    });
    const at = Date.now();
    const first = d.firstAttemptAt === null ? now : Number(d.firstAttemptAt);
    await this.db.eventDeliveryAttempt.create({
      data: {
        id: newId(),
        deliveryId: d.id,
        at: BigInt(at),
        statusCode: result.statusCode ?? null,
        error: result.ok ? null : (result.error ?? null),
        durationMs: Math.round(result.durationMs),
      },
    });
    if (result.ok) {
      await this.finish(d.id, "DELIVERED", at, { statusCode: result.statusCode, attempts: d.attempts + 1, first });
      return;
    }
    if (shouldGiveUp(first, now)) {
      await this.finish(d.id, "FAILED", at, {
        statusCode: result.statusCode,
        error: result.error,
        attempts: d.attempts + 1,
        first,
      });
      await this.db.apiDestination.updateMany({
        where: { id: destination.id, state: "ACTIVE" },
        data: {
          state: "PAUSED",
          stateReason: `Paused ${new Date(at).toISOString()}: deliveries failed for ${DELIVERY_GIVE_UP_MS / 3_600_000} hours (last: ${result.error ?? "no answer"}).`,
          updatedAt: BigInt(at),
        },
      });
      return;
    }
    await this.db.eventDelivery.update({
      where: { id: d.id },
      data: {
        attempts: d.attempts + 1,
        firstAttemptAt: BigInt(first),
        nextAttemptAt: BigInt(now + nextRetryDelayMs(d.attempts + 1)),
        lastStatusCode: result.statusCode ?? null,
        lastError: result.error ?? null,
      },
    });
  }

  private async finish(
    id: string,
    status: "DELIVERED" | "FAILED",
    at: number,
    r: { statusCode?: number; error?: string; attempts?: number; first?: number },
  ) {
    await this.db.eventDelivery.update({
      where: { id },
      data: {
        status,
        finishedAt: BigInt(at),
        ...(r.attempts !== undefined ? { attempts: r.attempts } : {}),
        ...(r.first !== undefined ? { firstAttemptAt: BigInt(r.first) } : {}),
        lastStatusCode: r.statusCode ?? null,
        lastError: r.error ?? null,
      },
    });
  }
}
