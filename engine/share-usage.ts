// Fair-share usage per (queue, shareIdentifier): vCPUs running now, plus recent starts that
// fade with the policy's shareDecaySeconds (AWS: 0 means the 600 s minimum window). Kept in
// memory: after a restart shares start level again, which only shifts the order for a while.
import type { FairShare } from "@/lib/batch/placement";
import type { Executor } from "./executor";

interface Policy {
  shareDecaySeconds?: number;
  computeReservation?: number;
  shareDistribution?: { shareIdentifier: string; weightFactor?: number }[];
}

export class ShareUsage {
  private decayed = new Map<string, { value: number; at: number }>();

  constructor(private readonly executor: Executor) {}

  private static key(queueId: string, share: string) {
    return `${queueId}\u0000${share}`;
  }

  private valueAt(entry: { value: number; at: number } | undefined, now: number, decayMs: number): number {
    if (!entry) return 0;
    return entry.value * 0.5 ** ((now - entry.at) / decayMs);
  }

  started(queueId: string, share: string, vcpus: number, now: number, decayMs = 600_000) {
    const k = ShareUsage.key(queueId, share);
    this.decayed.set(k, { value: this.valueAt(this.decayed.get(k), now, decayMs) + vcpus, at: now });
  }

  fairShare(queueId: string, policy: Policy, now: number): FairShare {
    const decayMs = Math.max(600, policy.shareDecaySeconds || 600) * 1000;
    const usage: Record<string, number> = {};
    const prefix = `${queueId}\u0000`;
    for (const [k, v] of this.decayed) {
      if (k.startsWith(prefix)) usage[k.slice(prefix.length)] = this.valueAt(v, now, decayMs);
    }
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
      usage,
      running,
    };
  }
}
