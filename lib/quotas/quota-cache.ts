// The quotas in force per organization, kept in this process for a couple of seconds: the submit
// path reads them on every SubmitJob, and an organization with no quota must pay no more than
// this map lookup for them. A change the operator saves reaches every web server within TTL_MS.
import type { Db } from "@/lib/db";
import { effectiveQuotas, type Quotas } from "./quotas";

export const QUOTA_CACHE_TTL_MS = 2_000;

interface Entry {
  /** When the read was started (epoch ms). */
  at: number;
  value: Promise<Quotas>;
}

// Per database client: tests (and benchmarks) open several databases in one process.
const caches = new WeakMap<Db, Map<string, Entry>>();

/**
 * The organization's effective quotas (lib/quotas/quotas.ts), at most QUOTA_CACHE_TTL_MS old.
 * Callers that miss at the same time share one read.
 */
export function cachedQuotas(db: Db, organizationId: string, now = Date.now()): Promise<Quotas> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const hit = cache.get(organizationId);
  if (hit && now - hit.at < QUOTA_CACHE_TTL_MS && now >= hit.at) return hit.value;
  const entry: Entry = { at: now, value: effectiveQuotas(db, organizationId) };
  cache.set(organizationId, entry);
  // A failed read is not kept: the next call reads again.
  entry.value.catch(() => {
    if (cache.get(organizationId) === entry) cache.delete(organizationId);
  });
  return entry.value;
}

/** Drops what this process keeps (one organization's, or all of the client's). */
export function forgetQuotas(db: Db, organizationId?: string): void {
  if (organizationId === undefined) caches.delete(db);
  else caches.get(db)?.delete(organizationId);
}
