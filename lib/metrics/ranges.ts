// The dashboard's time ranges and the bucket each is drawn with (60–100 points).
export const RANGES = {
  "15m": { label: "15 minutes", ms: 15 * 60_000, bucket: 15_000 },
  "1h": { label: "1 hour", ms: 3_600_000, bucket: 60_000 },
  "6h": { label: "6 hours", ms: 6 * 3_600_000, bucket: 5 * 60_000 },
  "24h": { label: "24 hours", ms: 24 * 3_600_000, bucket: 15 * 60_000 },
  "7d": { label: "7 days", ms: 7 * 24 * 3_600_000, bucket: 2 * 3_600_000 },
} as const;

export type RangeKey = keyof typeof RANGES;
export const RANGE_KEYS = ["15m", "1h", "6h", "24h", "7d"] as const satisfies readonly RangeKey[];
export const DEFAULT_RANGE: RangeKey = "1h";

export const isRangeKey = (v: unknown): v is RangeKey => typeof v === "string" && v in RANGES;

/** The range ending now, its start aligned to a bucket so consecutive refreshes line up. */
export function rangeWindow(key: RangeKey, now: number): { from: number; to: number; bucket: number } {
  const { ms, bucket } = RANGES[key];
  const to = Math.ceil(now / bucket) * bucket;
  return { from: to - ms, to, bucket };
}
