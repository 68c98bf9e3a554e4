// Reads that every viewer of an organization polls alike (the live job list every 2 s, the
// dashboard's series every 5 s), shared within one web server: concurrent identical requests
// run the read once, and an answer is reused for a moment after. With 200 open consoles of one
// organization that is one read per moment instead of a hundred a second; the answer is never
// older than its ttl. Authorization is each request's own (orgRoute checks before reading), so
// only what any member allowed to read it would get is shared: the key holds the organization
// and everything the read depends on.
//
// A change made through this server's console (any server action) starts the organization's
// reads afresh, so the list a user refetches after acting shows the change at once.

interface Entry {
  at: number;
  value: Promise<unknown>;
}

const entries = new Map<string, Entry>();
const generations = new Map<string, number>();
/** Past this many keys, expired ones are dropped. */
const SWEEP_AT = 1_000;

export function sharedRead<T>(organizationId: string, key: string, ttlMs: number, read: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const full = `${organizationId}\u0000${generations.get(organizationId) ?? 0}\u0000${key}`;
  const hit = entries.get(full);
  if (hit && now - hit.at < ttlMs) return hit.value as Promise<T>;
  if (entries.size >= SWEEP_AT) {
    for (const [k, e] of entries) if (now - e.at >= ttlMs) entries.delete(k);
  }
  const value = read();
  entries.set(full, { at: now, value });
  // A failed read is not shared beyond the requests already waiting on it.
  value.catch(() => {
    if (entries.get(full)?.value === value) entries.delete(full);
  });
  return value;
}

/** The organization's data changed through this server: later reads start afresh. */
export function organizationChanged(organizationId: string): void {
  generations.set(organizationId, (generations.get(organizationId) ?? 0) + 1);
  const prefix = `${organizationId}\u0000`;
  for (const k of entries.keys()) if (k.startsWith(prefix)) entries.delete(k);
}
