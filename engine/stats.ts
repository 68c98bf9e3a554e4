// The engine's own figures for GET /api/metrics: kept in memory as cumulative counters and
// histograms (Prometheus semantics: they only grow, and start again at zero with a new engine),
// and published as JSON in EngineLease.stats with each heartbeat, since the web servers share
// no memory with the engine. The published shape is lib/metrics/engine-stats.ts. Observing is a
// few array increments; publishing is one small JSON string per heartbeat.
import type { EngineExecutors, EngineHost, EngineStatsSnapshot, HistogramSnapshot } from "@/lib/metrics/engine-stats";

/** Seconds from RUNNABLE to claimed (STARTING): the scheduler's share of submit → RUNNING. */
export const SCHEDULING_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
/** Seconds one scheduling pass takes. */
export const PASS_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class Histogram {
  private readonly perBucket: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly buckets: number[]) {
    this.perBucket = buckets.map(() => 0);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const v = Math.max(0, value);
    const i = this.buckets.findIndex((b) => v <= b);
    if (i >= 0) this.perBucket[i]!++;
    this.sum += v;
    this.count++;
  }

  snapshot(): HistogramSnapshot {
    let running = 0;
    const counts = this.perBucket.map((n) => {
      running += n;
      return running;
    });
    return { buckets: [...this.buckets], counts, sum: this.sum, count: this.count };
  }
}

export class EngineStats {
  readonly schedulingLatency = new Histogram(SCHEDULING_LATENCY_BUCKETS);
  readonly passDuration = new Histogram(PASS_DURATION_BUCKETS);
  jobsStarted = 0;
  logBytes = 0;
  logChunks = 0;
  /** The loop's wake-up counts (engine/wake.ts), read at each heartbeat. */
  wakeups: { external: number; internal: number } | undefined;
  /** Known once the engine has looked for a container runtime. */
  executors: EngineExecutors | undefined;
  /** The machine's capacity the scheduler holds every environment to. */
  host: EngineHost | undefined;
  private readonly startedAt = Date.now();

  constructor(private readonly engineId: string) {}

  snapshot(): EngineStatsSnapshot {
    return {
      engineId: this.engineId,
      startedAt: this.startedAt,
      schedulingLatencySeconds: this.schedulingLatency.snapshot(),
      passDurationSeconds: this.passDuration.snapshot(),
      jobsStarted: this.jobsStarted,
      logBytes: this.logBytes,
      logChunks: this.logChunks,
      wakeups: this.wakeups ? { ...this.wakeups } : undefined,
      executors: this.executors,
      host: this.host,
    };
  }

  toJSON(): string {
    return JSON.stringify(this.snapshot());
  }
}
