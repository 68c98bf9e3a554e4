// The shape of the engine's figures as the leader publishes them in EngineLease.stats
// (engine/stats.ts writes, lib/metrics/prometheus.ts reads). Parsed at the boundary: a row
// written by an older or broken engine reads as "no figures", never as a failed scrape.
import { z } from "zod";

const count = z.number().finite().nonnegative();

export const histogramSnapshot = z
  .object({
    buckets: z.array(z.number().finite()),
    counts: z.array(count),
    sum: count,
    count,
  })
  .refine((h) => h.buckets.length === h.counts.length, { message: "one count per bucket" });

/** Which executors the leading engine has (engine/engine.ts), for health, "why not running" and the console. */
export const engineExecutors = z.object({
  container: z.object({
    available: z.boolean(),
    /** "podman 4.3.1" / "docker 27.1.0" */
    runtime: z.string().optional(),
    /** Why there is none, in words a person can act on. */
    reason: z.string().optional(),
  }),
  process: z.object({ available: z.boolean() }),
  /** The executor of an environment without a `batchdeck:executor` tag; null: none (hosted, no runtime). */
  default: z.enum(["container", "process"]).nullable(),
});

/**
 * The machine the leading engine runs jobs on (engine/options.ts): what every environment of
 * every organization shares. vcpus = cores × the operator's overcommit factor.
 */
export const engineHost = z.object({
  cores: z.number().int().positive(),
  overcommit: z.number().positive(),
  vcpus: z.number().positive(),
  memoryMiB: z.number().int().positive(),
});

export const engineStatsSnapshot = z.object({
  engineId: z.string(),
  startedAt: count,
  schedulingLatencySeconds: histogramSnapshot,
  passDurationSeconds: histogramSnapshot,
  jobsStarted: count,
  logBytes: count,
  logChunks: count,
  /** Wake-ups of the leader's loop (engine/wake.ts): from outside (submissions, requests) and its own. */
  wakeups: z.object({ external: count, internal: count }).optional(),
  executors: engineExecutors.optional(),
  host: engineHost.optional(),
});

export type EngineExecutors = z.infer<typeof engineExecutors>;
export type EngineHost = z.infer<typeof engineHost>;

export type HistogramSnapshot = z.infer<typeof histogramSnapshot>;
export type EngineStatsSnapshot = z.infer<typeof engineStatsSnapshot>;

export function parseEngineStats(json: string | null | undefined): EngineStatsSnapshot | null {
  if (!json) return null;
  try {
    const parsed = engineStatsSnapshot.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
