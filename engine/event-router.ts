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
import { connectionSecretContext, signingSecretContext } from "@/lib/automation/event-destinations";
import { type EventPattern, matchesEventPattern, parseEventPattern } from "@/lib/automation/event-pattern";
import type { StoredBatchParameters } from "@/lib/automation/event-rules";
import { jobStateChangeEvent } from "@/lib/automation/job-event";
import type { FireDeps } from "@/lib/automation/schedule-fire";
import { DeliveryStatus } from "@/lib/automation/statuses";
import {
  DELIVERY_GIVE_UP_MS,
  type DeliveryResult,
  deliverWebhook,
  nextRetryDelayMs,
  shouldGiveUp,
} from "@/lib/automation/webhook";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { describeJobs } from "@/lib/jobs/describe-jobs";
import type { EngineLog } from "@/lib/log";
import { accountIdOf } from "@/lib/resources/account";
import { decryptSecret, SecretError } from "@/lib/secrets";

/** Tag of a job a rule's job-queue target submitted: its events do not trigger that rule again. */
export const RULE_TAG = "batchdeck:rule";
const EVENTS_PER_TICK = 500;
const DELIVERIES_PER_TICK = 200;
const DELIVERY_CONCURRENCY = 16;
export const DELIVERY_TIMEOUT_MS = 10_000;

interface RuleView {
  id: string;
  name: string;
  arn: string;
  pattern: EventPattern;
  /** The statuses the pattern can match, when it names them as plain values; null: any. */
  statuses: ReadonlySet<string> | null;
  targets: {
    id: string;
    targetId: string;
    kind: string;
    arn: string;
    input: string | null;
    batchParameters: string | null;
  }[];
}

export const systemContext = (db: Db, organizationId: string, label: string): OrgContext => ({
  db,
  organizationId,
  role: "developer",
  user: { id: "events", email: label, name: label },
  actor: { userId: null, email: label, source: "system" },
});

/**
 * The job statuses a pattern can match when it says so plainly: `detail.status` a list of exact
 * strings, and no `$or`. Anything else (prefix, anything-but, no status at all) may match any.
 */
export function statusesOf(pattern: EventPattern): ReadonlySet<string> | null {
  if (pattern.anyOf) return null;
  const detail = pattern.fields.find(([name]) => name === "detail")?.[1];
  if (!detail || detail.type !== "object" || detail.pattern.anyOf) return null;
  const status = detail.pattern.fields.find(([name]) => name === "status")?.[1];
  if (!status || status.type !== "leaf") return null;
  const values: string[] = [];
  for (const m of status.matchers) {
    if (m.type !== "exact" || typeof m.value !== "string") return null;
    values.push(m.value);
  }
  return new Set(values);
}

/** What matching a tick's events against the rules produced. */
class Routed {
  readonly deliveries: Prisma.EventDeliveryCreateManyInput[] = [];
  readonly submissions: { organizationId: string; rule: RuleView; target: RuleView["targets"][number] }[] = [];

  match(
    organizationId: string,
    rules: RuleView[],
    { event, tags }: { event: { id: string }; tags: Record<string, string> },
    now: number,
  ) {
    for (const rule of rules) {
      if (!matchesEventPattern(rule.pattern, event)) continue;
      for (const target of rule.targets) {
        if (target.kind === "WEBHOOK") {
          this.deliveries.push({
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
          this.submissions.push({ organizationId, rule, target });
        }
      }
    }
  }
}

export class EventRouter {
  private patterns = new Map<
    string,
    { updatedAt: bigint; pattern: EventPattern; statuses: ReadonlySet<string> | null }
  >();

  constructor(
    private readonly db: Db,
    private readonly fire: FireDeps,
    private readonly log: EngineLog,
  ) {}

  /** Routes up to a tick's worth of events; returns how many were read. */
  async tick(now: number): Promise<number> {
    const events = await this.db.jobStateEvent.findMany({ orderBy: { seq: "asc" }, take: EVENTS_PER_TICK });
    if (events.length === 0) return 0;
    const routed = new Routed();
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
      // Most rules name the statuses they want (failures, say): a change to another status cannot
      // match any of them, and its job is not even described.
      const wanted = rules.some((r) => r.statuses === null)
        ? null
        : new Set(rules.flatMap((r) => [...(r.statuses ?? [])]));
      const relevant = wanted ? orgEvents.filter((e) => wanted.has(e.status)) : orgEvents;
      const jobs = new Map<string, Record<string, unknown>>();
      const ids = [...new Set(relevant.map((e) => e.jobId))];
      for (let i = 0; i < ids.length; i += 100) {
        const { jobs: found } = await describeJobs(ctx, { jobs: ids.slice(i, i + 100) });
        for (const j of found) jobs.set(j.jobId, j as unknown as Record<string, unknown>);
      }
      for (const e of relevant) {
        const job = jobs.get(e.jobId);
        if (!job) continue; // deleted since (retention): nothing left to describe
        // The job as it was at this change: later changes have their own events.
        const at = { ...job, status: e.status, statusReason: e.statusReason ?? undefined };
        routed.match(organizationId, rules, this.envelope(account, at, Number(e.at)), now);
      }
    }
    await this.submitAll(routed);
    // Exactly the events read: a sequence number is taken when a change is written, not when it
    // commits, so on PostgreSQL a lower one can still be in flight behind a higher one read here.
    await this.db.$transaction([
      this.db.eventDelivery.createMany({ data: routed.deliveries }),
      this.db.jobStateEvent.deleteMany({ where: { seq: { in: events.map((e) => e.seq) } } }),
    ]);
    return events.length;
  }

  /**
   * Jobs of an organization on AWS Batch whose change the AWS observer saw (described by AWS):
   * their events go to the same rules and targets, in one transaction for the deliveries.
   */
  async routeObserved(organizationId: string, account: string, jobs: Record<string, unknown>[], now: number) {
    const rules = await this.rulesOf(organizationId);
    if (rules.length === 0) return 0;
    const routed = new Routed();
    for (const job of jobs) routed.match(organizationId, rules, this.envelope(account, job, now), now);
    await this.submitAll(routed);
    await this.db.eventDelivery.createMany({ data: routed.deliveries });
    return jobs.length;
  }

  private envelope(account: string, job: Record<string, unknown>, at: number) {
    return {
      event: jobStateChangeEvent({
        id: randomUUID(),
        time: new Date(at),
        region: env().BATCHDECK_AWS_REGION,
        account,
        job: job as { jobArn: string },
      }),
      tags: (job.tags ?? {}) as Record<string, string>,
    };
  }

  private async submitAll(routed: Routed) {
    for (const s of routed.submissions) await this.submitFor(s.organizationId, s.rule, s.target);
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
          const pattern = parseEventPattern(r.eventPattern);
          cached = { updatedAt: r.updatedAt, pattern, statuses: statusesOf(pattern) };
        } catch (error) {
          this.log("event rule has an invalid pattern", { level: "warn", rule: r.arn, error });
          continue;
        }
        this.patterns.set(r.id, cached);
      }
      views.push({
        id: r.id,
        name: r.name,
        arn: r.arn,
        pattern: cached.pattern,
        statuses: cached.statuses,
        targets: r.targets,
      });
    }
    return views;
  }

  private async submitFor(organizationId: string, rule: RuleView, target: RuleView["targets"][number]) {
    const p = JSON.parse(target.batchParameters ?? "{}") as StoredBatchParameters;
    const ctx = systemContext(this.db, organizationId, `rule ${rule.name}`);
    try {
      await this.fire.submit(ctx, {
        jobQueue: target.arn,
        jobDefinition: p.jobDefinition ?? "",
        jobName: p.jobName ?? rule.name,
        ...(p.arraySize ? { arrayProperties: { size: p.arraySize } } : {}),
        ...(p.attempts ? { retryStrategy: { attempts: p.attempts } } : {}),
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

type DueDelivery = {
  id: string;
  body: string;
  attempts: number;
  firstAttemptAt: bigint | null;
  apiDestinationArn: string;
};
type Destination = {
  id: string;
  arn: string;
  state: string;
  invocationEndpoint: string;
  signingSecretSealed: string;
  connection: { id: string; authHeaderName: string | null; authHeaderSealed: string | null };
};
type DeliveryWrite = { id: string; data: Prisma.EventDeliveryUpdateInput };
type Outcome = { delivery: DueDelivery; destination: Destination | null; result: DeliveryResult; at: number };

export class Deliveries {
  constructor(
    private readonly db: Db,
    private readonly opts: { hosted: boolean; timeoutMs?: number; log: EngineLog },
  ) {}

  /**
   * Posts the deliveries that are due (DELIVERIES_PER_TICK at most, DELIVERY_CONCURRENCY at a
   * time) and records every outcome in one transaction; returns how many were attempted.
   */
  async tick(now: number): Promise<number> {
    const due = await this.db.eventDelivery.findMany({
      where: { status: DeliveryStatus.PENDING, nextAttemptAt: { lte: BigInt(now) } },
      orderBy: { nextAttemptAt: "asc" },
      take: DELIVERIES_PER_TICK,
      select: { id: true, body: true, attempts: true, firstAttemptAt: true, apiDestinationArn: true },
    });
    if (due.length === 0) return 0;
    const destinations = await this.db.apiDestination.findMany({
      where: { arn: { in: [...new Set(due.map((d) => d.apiDestinationArn))] } },
      include: { connection: true },
    });
    const byArn = new Map(destinations.map((d) => [d.arn, d]));
    const outcomes: Outcome[] = [];
    const queue = due.filter((d) => {
      const destination = byArn.get(d.apiDestinationArn);
      if (!destination) {
        outcomes.push({
          delivery: d,
          destination: null,
          result: { ok: false, error: "The API destination was deleted.", durationMs: 0 },
          at: now,
        });
        return false;
      }
      return destination.state === "ACTIVE"; // paused or inactive: kept for when it resumes
    });
    const attempted = queue.length;
    const worker = async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const destination = byArn.get(d.apiDestinationArn)!;
        outcomes.push({ delivery: d, destination, result: await this.post(d, destination), at: Date.now() });
      }
    };
    await Promise.all(Array.from({ length: DELIVERY_CONCURRENCY }, worker));
    await this.record(outcomes, now);
    return attempted;
  }

  private async post(d: DueDelivery, destination: Destination): Promise<DeliveryResult> {
    let secret: string;
    let extraHeaders: Record<string, string> | undefined;
    try {
      secret = decryptSecret(destination.signingSecretSealed, { context: signingSecretContext(destination.id) });
      const c = destination.connection;
      if (c.authHeaderName && c.authHeaderSealed) {
        extraHeaders = {
          [c.authHeaderName]: decryptSecret(c.authHeaderSealed, { context: connectionSecretContext(c.id) }),
        };
      }
    } catch (error) {
      // One endpoint whose secret cannot be opened must not hold up the others: its delivery
      // fails this attempt (and is retried, in case the key is restored).
      if (!(error instanceof SecretError)) throw error;
      return {
        ok: false,
        durationMs: 0,
        error:
          "The endpoint's secret cannot be opened with this server's keys (was BATCHDECK_SECRET_KEY changed without listing the old key in BATCHDECK_SECRET_KEY_PREVIOUS?).",
      };
    }
    return deliverWebhook({
      url: destination.invocationEndpoint,
      body: d.body,
      secret,
      deliveryId: d.id,
      timeoutMs: this.opts.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      refusePrivateAddresses: this.opts.hosted,
      extraHeaders,
    });
  }

  /** Every outcome of a tick in one transaction: the attempts' log, the deliveries, pauses. */
  private async record(outcomes: Outcome[], now: number): Promise<void> {
    const paused = new Map<string, string>();
    // Delivered ones (nearly all) in one statement per answer code: a statement per delivery
    // took most of a tick on PostgreSQL.
    const delivered = new Map<string, { statusCode: number | null; first: boolean; ids: string[] }>();
    const writes = outcomes.flatMap(({ delivery: d, destination, result, at }): DeliveryWrite[] => {
      const first = d.firstAttemptAt === null ? now : Number(d.firstAttemptAt);
      if (result.ok && destination) {
        const key = `${result.statusCode ?? ""}:${d.firstAttemptAt === null}`;
        const group = delivered.get(key) ?? {
          statusCode: result.statusCode ?? null,
          first: d.firstAttemptAt === null,
          ids: [],
        };
        group.ids.push(d.id);
        delivered.set(key, group);
        return [];
      }
      const common = {
        attempts: d.attempts + (destination ? 1 : 0),
        firstAttemptAt: BigInt(first),
        lastStatusCode: result.statusCode ?? null,
        lastError: result.ok ? null : (result.error ?? null),
      };
      if (!destination || shouldGiveUp(first, now)) {
        if (destination) {
          paused.set(
            destination.id,
            `Paused ${new Date(at).toISOString()}: deliveries failed for ${DELIVERY_GIVE_UP_MS / 3_600_000} hours (last: ${result.error ?? "no answer"}).`,
          );
        }
        return [{ id: d.id, data: { ...common, status: DeliveryStatus.FAILED, finishedAt: BigInt(at) } }];
      }
      return [{ id: d.id, data: { ...common, nextAttemptAt: BigInt(now + nextRetryDelayMs(d.attempts + 1)) } }];
    });
    const finishedAt = BigInt(Date.now());
    const log = outcomes
      .filter((o) => o.destination)
      .map(({ delivery, result, at }) => ({
        id: newId(),
        deliveryId: delivery.id,
        at: BigInt(at),
        statusCode: result.statusCode ?? null,
        error: result.ok ? null : (result.error ?? null),
        durationMs: Math.round(result.durationMs),
      }));
    await this.db.$transaction([
      this.db.eventDeliveryAttempt.createMany({ data: log }),
      ...[...delivered.values()].map((g) =>
        this.db.eventDelivery.updateMany({
          where: { id: { in: g.ids } },
          data: {
            status: DeliveryStatus.DELIVERED,
            finishedAt,
            attempts: { increment: 1 },
            lastStatusCode: g.statusCode,
            lastError: null,
            ...(g.first ? { firstAttemptAt: BigInt(now) } : {}),
          },
        }),
      ),
      ...writes.map((w) => this.db.eventDelivery.update({ where: { id: w.id }, data: w.data })),
      ...[...paused].map(([id, stateReason]) =>
        this.db.apiDestination.updateMany({
          where: { id, state: "ACTIVE" },
          data: { state: "PAUSED", stateReason, updatedAt: BigInt(now) },
        }),
      ),
    ]);
  }
}
