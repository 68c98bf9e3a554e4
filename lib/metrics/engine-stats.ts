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

export const engineStatsSnapshot = z.object({
  engineId: z.string(),
  startedAt: count,
  schedulingLatencySeconds: histogramSnapshot,
  passDurationSeconds: histogramSnapshot,
  jobsStarted: count,
  logBytes: count,
  logChunks: count,
});

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
