// Fair-share usage per (queue, shareIdentifier): vCPUs running now, plus recent starts that
// fade with the policy's shareDecaySeconds (AWS: 0 means the 600 s minimum window).
//
// The faded part is kept in memory and saved by the leader every few seconds in the EngineLease
// row "share-usage" (lib/jobs/share-usage-row.ts: a few numbers per share); a new leader, after a
// restart, a crash or a handover, starts from it, so a share that just ran a lot does not come
// back level. What a crash loses is the starts since the last save.
import type { FairShare } from "@/lib/batch/placement";
import type { Db } from "@/lib/db";
import { direct } from "@/lib/db/direct";
import {
  decayMsOf,
  fadedValue,
  queueUsage,
  readSavedUsage,
  SHARE_USAGE_ROW,
  shareKey,
  type UsageEntry,
} from "@/lib/jobs/share-usage-row";
import type { Executor } from "./executor";

interface Policy {
  shareDecaySeconds?: number;
  computeReservation?: number;
  shareDistribution?: { shareIdentifier: string; weightFactor?: number }[];
}

/** Entries faded below this many vCPUs are not worth saving (1/1,000 of a vCPU). */
const NEGLIGIBLE = 0.001;
/** The longest decay a policy can ask for (AWS: shareDecaySeconds ≤ 604,800, a week). */
const MAX_DECAY_MS = 604_800_000;

export class ShareUsage {
  private decayed = new Map<string, UsageEntry>();
  private changed = false;

  constructor(private readonly executor: Executor) {}

  started(queueId: string, share: string, vcpus: number, now: number, decayMs = 600_000) {
    const k = shareKey(queueId, share);
    this.decayed.set(k, { value: fadedValue(this.decayed.get(k), now, decayMs) + vcpus, at: now });
    this.changed = true;
  }

  fairShare(queueId: string, policy: Policy, now: number): FairShare {
    const prefix = shareKey(queueId, "");
    const running: Record<string, number> = {};
    for (const { job } of this.executor.running.values()) {
      if (!job.shareKey.startsWith(prefix)) continue;
      const share = job.shareKey.slice(prefix.length);
      running[share] = (running[share] ?? 0) + job.vcpus;
    }
    return {
      computeReservation: policy.computeReservation ?? 0,
      weights: (policy.shareDistribution ?? []).map((d) => ({
        shareIdentifier: d.shareIdentifier,
        weightFactor: d.weightFactor ?? 1,
      })),
      usage: queueUsage(this.decayed, queueId, decayMsOf(policy.shareDecaySeconds), now),
      running,
    };
  }

  /**
   * Saves the faded usage if it changed since the last save. Entries that even the slowest decay
   * has faded to nothing are dropped, so the row stays as small as the shares in use.
   */
  async save(db: Db, engineId: string, now = Date.now()): Promise<void> {
    if (!this.changed) return;
    this.changed = false;
    const entries: [string, number, number][] = [];
    for (const [k, e] of this.decayed) {
      if (fadedValue(e, now, MAX_DECAY_MS) < NEGLIGIBLE) this.decayed.delete(k);
      else entries.push([k, e.value, e.at]);
    }
    const json = JSON.stringify(entries);
    try {
      await direct(db).$executeRaw`
        INSERT INTO "EngineLease" ("name", "holder", "acquiredAt", "heartbeatAt", "expiresAt", "stats")
        VALUES (${SHARE_USAGE_ROW}, ${engineId}, ${now}, ${now}, ${now}, ${json})
        ON CONFLICT ("name") DO UPDATE SET "holder" = ${engineId}, "heartbeatAt" = ${now}, "stats" = ${json}`;
    } catch (error) {
      this.changed = true; // try again at the next save
      throw error;
    }
  }

  /** Takes up the usage the previous leader saved: a new term starts from it, not level. */
  async load(db: Db): Promise<void> {
    this.decayed = await readSavedUsage(db);
    this.changed = false;
  }
}
