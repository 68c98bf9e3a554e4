// What the application sees as X-Forwarded-For: the entries appended by the reverse proxies we
// trust (BATCHDECK_TRUSTED_PROXIES, nearest last), then the TCP peer. Anything a client wrote
// into the header itself is dropped, so the first entry is the client's real address as far as
// our own proxies can tell (lib/auth/client-address.ts reads it for per-address limits).

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; one client, one address. */
export function normalizeAddress(address) {
  const a = String(address).trim().toLowerCase();
  return a.startsWith("::ffff:") && a.includes(".") ? a.slice(7) : a;
}

/**
 * @param {string | string[] | undefined} header the X-Forwarded-For that arrived
 * @param {string | undefined} peer the TCP peer's address
 * @param {number} trustedProxies how many proxies in front of us append to the header
 * @returns {string}
 */
export function rewriteForwardedFor(header, peer, trustedProxies) {
  const arrived = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const kept = trustedProxies > 0 ? arrived.slice(-trustedProxies) : [];
  return [...kept, peer ?? "unknown"].map(normalizeAddress).join(", ");
}
