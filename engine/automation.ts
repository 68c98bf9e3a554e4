// The leader's automation duties, run beside the scheduling loop once a second: fire due
// schedules (schedule-clock.ts), turn job state changes into events for the organizations' rules
// and deliver them to webhooks (event-router.ts). Each step is bounded per tick; `cancelled` says
// the leader is stopping or has lost the lease, and the tick ends at the next step.
import { backendFireDeps } from "@/lib/automation/fire-deps";
import type { Db } from "@/lib/db";
import type { EngineLog } from "@/lib/log";
import { AWS_OBSERVE_MS, AwsJobObserver } from "./aws-job-observer";
import { Deliveries, EventRouter } from "./event-router";
import { ScheduleClock } from "./schedule-clock";

export class Automation {
  private readonly clock: ScheduleClock;
  private readonly router: EventRouter;
  private readonly deliveries: Deliveries;
  private readonly observer: AwsJobObserver;
  private lastObserved = 0;

  private readonly log: EngineLog;

  constructor(db: Db, opts: { hosted: boolean; log: EngineLog }) {
    this.log = opts.log;
    const deps = backendFireDeps(db);
    this.clock = new ScheduleClock(deps, (message, fields) => opts.log(message, { level: "warn", ...fields }));
    this.router = new EventRouter(db, deps, opts.log);
    this.deliveries = new Deliveries(db, { hosted: opts.hosted, log: opts.log });
    this.observer = new AwsJobObserver(db, this.router, opts.log);
  }

  async tick(now: number, cancelled: () => boolean): Promise<void> {
    // Each duty on its own: one that fails (its database statement, AWS unreachable) is logged
    // and the others still run.
    await this.step("schedules", () => this.clock.tick(now));
    // Organizations on AWS Batch: their jobs' changes are observed by polling AWS.
    if (now - this.lastObserved >= AWS_OBSERVE_MS && !cancelled()) {
      this.lastObserved = now;
      await this.step("observing AWS organizations' jobs", () => this.observer.tick(now));
    }
    // Events in bounded rounds until they are all routed, then the deliveries that are due.
    await this.step("routing job state change events", async () => {
      for (let round = 0; round < 20 && !cancelled(); round++) {
        if ((await this.router.tick(Date.now())) === 0) break;
      }
    });
    await this.step("delivering events", async () => {
      for (let round = 0; round < 20 && !cancelled(); round++) {
        if ((await this.deliveries.tick(Date.now())) === 0) break;
      }
    });
  }

  private async step(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.log(`automation: ${what} failed`, { level: "error", error });
    }
  }
}
