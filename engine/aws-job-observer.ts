// Job state change events for organizations on AWS Batch. Their jobs live in AWS, so no trigger
// sees them change: every AWS_OBSERVE_MS the leader lists, for each organization on AWS with an
// enabled rule, the jobs of its queues created in the last day (ListJobs with AFTER_CREATED_AT,
// which returns every status), compares each job's status with the last observation (kept in the
// EngineLease row "aws-job-states:<organization>", so a new leader carries on), describes the jobs
// that changed and routes their events like the built-in engine's (event-router.ts).
//
// What this cannot see: a job that passes through several states between two observations gives
// one event, for the state it is in; array children (ListJobs' filters leave them out); jobs past
// the first OBSERVE_PAGES pages of a queue. The first observation of an organization only records
// where its jobs are.

import { backendFor } from "@/lib/backends";
import type { Db } from "@/lib/db";
import type { EngineLog } from "@/lib/log";
import { accountIdOf } from "@/lib/resources/account";
import { type EventRouter, systemContext } from "./event-router";

export const AWS_OBSERVE_MS = 15_000;
const LOOKBACK_MS = 24 * 3600_000;
const OBSERVE_PAGES = 10;
const MAX_TRACKED = 20_000;

export const observationRow = (organizationId: string) => `aws-job-states:${organizationId}`;

export class AwsJobObserver {
  constructor(
    private readonly db: Db,
    private readonly router: EventRouter,
    private readonly log: EngineLog,
  ) {}

  /** Observes every organization on AWS with an enabled rule; returns the events routed. */
  async tick(now: number): Promise<number> {
    const orgs = await this.db.organization.findMany({
      where: { backend: "aws", eventRules: { some: { state: "ENABLED" } } },
      select: { id: true },
    });
    let routed = 0;
    for (const { id } of orgs) {
      try {
        routed += await this.observe(id, now);
      } catch (error) {
        this.log("observing an AWS organization's jobs failed", {
          level: "warn",
          organizationId: id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return routed;
  }

  private async observe(organizationId: string, now: number): Promise<number> {
    const ctx = systemContext(this.db, organizationId, "events");
    const backend = await backendFor(ctx);
    const seen = new Map<string, string>();
    const { jobQueues } = await backend.describeJobQueues(ctx, {});
    for (const queue of jobQueues) {
      let nextToken: string | undefined;
      for (let page = 0; page < OBSERVE_PAGES; page++) {
        const result = await backend.listJobs(ctx, {
          jobQueue: String(queue.jobQueueArn),
          filters: [{ name: "AFTER_CREATED_AT", values: [String(now - LOOKBACK_MS)] }],
          ...(nextToken ? { nextToken } : {}),
        });
        for (const job of result.jobSummaryList) seen.set(job.jobId, job.status ?? "");
        nextToken = typeof result.nextToken === "string" ? result.nextToken : undefined;
        if (!nextToken) break;
      }
    }
    const name = observationRow(organizationId);
    const row = await this.db.engineLease.findUnique({ where: { name }, select: { stats: true } });
    const previous = row ? (JSON.parse(row.stats) as Record<string, string>) : null;
    const changed = previous ? [...seen].filter(([id, status]) => previous[id] !== status).map(([id]) => id) : [];
    let routed = 0;
    if (changed.length > 0) {
      const account = await accountIdOf(this.db, organizationId);
      for (let i = 0; i < changed.length; i += 100) {
        const { jobs } = await backend.describeJobs(ctx, { jobs: changed.slice(i, i + 100) });
        routed += await this.router.routeObserved(
          organizationId,
          account,
          jobs as unknown as Record<string, unknown>[],
          now,
        );
      }
    }
    const stats = JSON.stringify(Object.fromEntries([...seen].slice(0, MAX_TRACKED)));
    const stamp = BigInt(now);
    await this.db.engineLease.upsert({
      where: { name },
      create: { name, holder: "aws-job-observer", acquiredAt: stamp, heartbeatAt: stamp, expiresAt: stamp, stats },
      update: { heartbeatAt: stamp, stats },
    });
    return routed;
  }
}
