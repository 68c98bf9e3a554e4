// What the application sees as X-Forwarded-For: the entries appended by the reverse proxies we
// trust (BATCHDECK_TRUSTED_PROXIES, nearest last), then the TCP peer. Anything a client wrote
// into the header itself is dropped, so the first entry is the client's real address as far as
// our own proxies can tell (lib/auth/client-address.ts reads it for per-address limits).

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; one client, one address. */
export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

/**
 * The X-Forwarded-For to hand on: the last `trustedProxies` entries of the one that arrived
 * (what our proxies appended), then the TCP peer's address.
 */
export function rewriteForwardedFor(
  header: string | string[] | undefined,
  peer: string | undefined,
  trustedProxies: number,
): string {
  const arrived = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const kept = trustedProxies > 0 ? arrived.slice(-trustedProxies) : [];
  return [...kept, peer ?? "unknown"].map(normalizeAddress).join(", ");
}
