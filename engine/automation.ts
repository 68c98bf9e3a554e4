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
  private lastSlow = 0;
  private rulesExist = false;
  private readonly db: Db;
  private readonly slowMs: number;

  private readonly log: EngineLog;

  constructor(db: Db, opts: { hosted: boolean; log: EngineLog; slowMs?: number }) {
    this.log = opts.log;
    this.db = db;
    this.slowMs = opts.slowMs ?? 1_000;
    const deps = backendFireDeps(db);
    this.clock = new ScheduleClock(deps, (message, fields) => opts.log(message, { level: "warn", ...fields }));
    this.router = new EventRouter(db, deps, opts.log);
    this.deliveries = new Deliveries(db, { hosted: opts.hosted, log: opts.log });
    this.observer = new AwsJobObserver(db, this.router, opts.log);
  }

  /**
   * The engine calls this every second, and every 50 ms while jobs move. Schedules, the AWS
   * observer and the check for enabled rules run at most once a second; events are routed and
   * delivered on every call, but only while some organization has an enabled rule, so a busy
   * engine without rules pays nothing more for automation.
   */
  async tick(now: number, cancelled: () => boolean): Promise<void> {
    const slow = now - this.lastSlow >= this.slowMs;
    if (slow) {
      this.lastSlow = now;
      await this.step("schedules", () => this.clock.tick(now));
      await this.step("looking for enabled rules", async () => {
        this.rulesExist =
          (await this.db.eventRule.findFirst({ where: { state: "ENABLED" }, select: { id: true } })) !== null;
      });
      // Organizations on AWS Batch: their jobs' changes are observed by polling AWS.
      if (this.rulesExist && now - this.lastObserved >= AWS_OBSERVE_MS && !cancelled()) {
        this.lastObserved = now;
        await this.step("observing AWS organizations' jobs", () => this.observer.tick(now));
      }
    }
    // Deliveries may still be due (retries) after the last rule is disabled: those go at the slow pace.
    if (!this.rulesExist && !slow) return;
    // Routing and delivering take turns, a bounded round each, while either has work: events
    // that keep coming must not hold deliveries back.
    for (let round = 0; round < 20 && !cancelled(); round++) {
      let routed = 0;
      let delivered = 0;
      await this.step("routing job state change events", async () => {
        routed = await this.router.tick(Date.now());
      });
      await this.step("delivering events", async () => {
        delivered = await this.deliveries.tick(Date.now());
      });
      if (routed === 0 && delivered === 0) break;
    }
  }

  private async step(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.log(`automation: ${what} failed`, { level: "error", error });
    }
  }
}
