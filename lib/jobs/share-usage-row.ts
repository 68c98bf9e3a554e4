// The fair-share usage the leading engine saves (engine/share-usage.ts) in the EngineLease row
// "share-usage": per (queue, shareIdentifier), a vCPU figure and when it was last added to,
// fading by half every shareDecaySeconds. Read by the next leader, and by GetJobQueueSnapshot and
// "why isn't this job running" so that their order is the engine's.
import type { RawSql } from "@/lib/db/direct";
import { rawSql } from "@/lib/db/direct";

export const SHARE_USAGE_ROW = "share-usage";

export interface UsageEntry {
  value: number;
  at: number;
}

export const shareKey = (queueId: string, share: string) => `${queueId}\u0000${share}`;

/** The decay window a policy asks for (AWS: 0 means the 600 s minimum). */
export const decayMsOf = (shareDecaySeconds: number | undefined) => Math.max(600, shareDecaySeconds || 600) * 1000;

export function fadedValue(entry: UsageEntry | undefined, now: number, decayMs: number): number {
  if (!entry) return 0;
  return entry.value * 0.5 ** (Math.max(0, now - entry.at) / decayMs);
}

/** The saved entries; anything malformed is skipped (usage only shifts the order for a while). */
export function parseSavedUsage(text: string | null | undefined): Map<string, UsageEntry> {
  const out = new Map<string, UsageEntry>();
  if (!text) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out;
  }
  if (!Array.isArray(parsed)) return out;
  for (const item of parsed) {
    if (!Array.isArray(item) || item.length !== 3) continue;
    const [key, value, at] = item as unknown[];
    if (typeof key === "string" && Number.isFinite(value) && Number.isFinite(at)) {
      out.set(key, { value: value as number, at: at as number });
    }
  }
  return out;
}

export async function readSavedUsage(db: RawSql): Promise<Map<string, UsageEntry>> {
  const [row] = await rawSql(db).$queryRaw<{ stats: string }[]>`
    SELECT "stats" FROM "EngineLease" WHERE "name" = ${SHARE_USAGE_ROW}`;
  return parseSavedUsage(row?.stats);
}

/** One queue's faded usage per share from the saved entries. */
export function queueUsage(
  saved: Map<string, UsageEntry>,
  queueId: string,
  decayMs: number,
  now: number,
): Record<string, number> {
  const prefix = shareKey(queueId, "");
  const usage: Record<string, number> = {};
  for (const [k, v] of saved) {
    if (k.startsWith(prefix)) usage[k.slice(prefix.length)] = fadedValue(v, now, decayMs);
  }
  return usage;
}
