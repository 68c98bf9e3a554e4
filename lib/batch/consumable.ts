// Consumable resources in a scheduling pass, as a pure decision. The engine reads what is left
// of each resource once per pass (lib/jobs/consumable-usage.ts) and asks here, in queue order,
// whether each placed job can have its quantities; a job that can takes them at once, so two
// jobs of one pass never both take the last seat. A job that cannot waits RUNNABLE.
//
//   job requires nothing            → fits (no reservation)
//   every requirement ≤ what is left → fits; what is left goes down by each quantity
//   any requirement > what is left   → does not fit; nothing is taken (all or nothing)
//   a resource not in the ledger     → counts as 0 left (it was deleted or belongs elsewhere)

export interface ConsumableRequirement {
  resourceId: string;
  quantity: number;
}

export interface ConsumableShortfall {
  resourceId: string;
  requested: number;
  available: number;
}

export interface ConsumableLedger {
  /** What is left of a resource now (0 for one the ledger does not know). */
  available(resourceId: string): number;
  /** The first requirement that cannot be met now, or null; takes nothing. */
  shortfall(requirements: readonly ConsumableRequirement[]): ConsumableShortfall | null;
  /** Takes every quantity and returns true, or takes none and returns false. */
  reserve(requirements: readonly ConsumableRequirement[]): boolean;
}

/** A ledger over the quantities left of each resource at the start of a pass. */
export function consumableAvailability(available: ReadonlyMap<string, number>): ConsumableLedger {
  const left = new Map(available);
  const leftOf = (id: string) => left.get(id) ?? 0;
  const shortfall = (requirements: readonly ConsumableRequirement[]): ConsumableShortfall | null => {
    // One job may list a resource once (SubmitJob refuses repeats), but sum anyway so a
    // repeated entry can never take more than is there.
    const wanted = new Map<string, number>();
    for (const r of requirements) wanted.set(r.resourceId, (wanted.get(r.resourceId) ?? 0) + r.quantity);
    for (const [resourceId, requested] of wanted) {
      const have = leftOf(resourceId);
      if (requested > have) return { resourceId, requested, available: Math.max(0, have) };
    }
    return null;
  };
  return {
    available: leftOf,
    shortfall,
    reserve(requirements) {
      if (requirements.length === 0) return true;
      if (shortfall(requirements)) return false;
      for (const r of requirements) left.set(r.resourceId, leftOf(r.resourceId) - r.quantity);
      return true;
    },
  };
}

/**
 * The placements, in the order given (the engine's: queue priority, then dispatch order), that
 * get their consumable resources; the rest are left for a later pass.
 */
export function reserveInOrder<P extends { jobId: string }>(
  placements: readonly P[],
  requirementsOf: ReadonlyMap<string, readonly ConsumableRequirement[]>,
  ledger: ConsumableLedger,
): P[] {
  return placements.filter((p) => ledger.reserve(requirementsOf.get(p.jobId) ?? []));
}
