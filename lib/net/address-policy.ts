// Which addresses hosted Batchdeck refuses to connect to on a user's behalf (webhook deliveries,
// an organization's AWS endpoint overrides), and the checked DNS lookup that enforces it.
//
// The check runs inside the socket's own DNS lookup, on exactly the addresses it is about to
// connect to, so a name that resolves to a public address when it is saved and to 127.0.0.1 when
// it is used (DNS rebinding), or a name that simply points at this network, is still refused.
// Node connects to an IP literal without calling the lookup: callers check literals themselves
// (isForbiddenLiteral) before they connect.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

export const REFUSED_ADDRESS_ERROR =
  "the endpoint resolves to a private, loopback or link-local address, which hosted Batchdeck does not connect to";
/** The `code` of the error a checked lookup fails with; no Node error has it. */
export const REFUSED_ADDRESS_CODE = "EREFUSEDADDRESS";

// Ranges that are this network's own, or not unicast at all. Documentation ranges are left
// out: nothing answers there, so refusing them protects nothing.
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local: cloud metadata services live here
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking, used as private space in practice
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, with 255.255.255.255 broadcast
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["100::", 64], // discard
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed by some stacks)
  ["ff00::", 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv6");
}

/**
 * Whether hosted Batchdeck must not connect to this address. Anything that is not an IP
 * address is forbidden (fail closed). IPv6 forms that carry an IPv4 address (mapped,
 * translated, NAT64, 6to4, Teredo) are judged by the IPv4 address they reach.
 */
export function isForbiddenAddress(ip: string): boolean {
  const text = ip.trim().replace(/^\[(.*)\]$/, "$1");
  // A zone (fe80::1%eth0) only ever accompanies a link-scoped address.
  if (text.includes("%")) return true;
  const version = isIP(text);
  if (version === 4) return FORBIDDEN.check(text, "ipv4");
  if (version === 6) return isForbiddenIPv6(text);
  return true;
}

/**
 * True when a URL's host (brackets and all, as `URL.hostname` gives it) is an IP literal that
 * isForbiddenAddress refuses. A host name is false here: the checked lookup judges it.
 */
export function isForbiddenLiteral(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  return isIP(host) !== 0 && isForbiddenAddress(host);
}

function isForbiddenIPv6(ip: string): boolean {
  const w = ipv6Words(ip);
  const zero = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const [w0 = 0, w1 = 0, w2 = 0, , w4 = 0, w5 = 0, w6 = 0, w7 = 0] = w;
  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d: nothing public lives in ::/96.
  if (zero(0, 6)) return true;
  // IPv4-mapped ::ffff:a.b.c.d, in either spelling; and SIIT's ::ffff:0:a.b.c.d.
  if (zero(0, 5) && w5 === 0xffff) return FORBIDDEN.check(v4(w6, w7), "ipv4");
  if (zero(0, 4) && w4 === 0xffff && w5 === 0) return FORBIDDEN.check(v4(w6, w7), "ipv4");
  if (w0 === 0x64 && w1 === 0xff9b) {
    // Well-known NAT64 prefix 64:ff9b::/96 carries the IPv4 address in the last 32 bits;
    // the local-use 64:ff9b:1::/48 is a network's own translator.
    if (zero(2, 6)) return FORBIDDEN.check(v4(w6, w7), "ipv4");
    if (w2 === 1) return true;
  }
  // 6to4 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
  if (w0 === 0x2002) return FORBIDDEN.check(v4(w1, w2), "ipv4");
  // Teredo 2001:0::/32 relays to the client's IPv4 address, stored inverted in the last 32 bits.
  if (w0 === 0x2001 && w1 === 0) return FORBIDDEN.check(v4(~w6 & 0xffff, ~w7 & 0xffff), "ipv4");
  return FORBIDDEN.check(ip, "ipv6");
}

/** The eight 16-bit groups of an address that isIP() already accepted as IPv6. */
function ipv6Words(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groups = (part: string) => part.split(":").filter((g) => g !== "");
  const [head = "", tail] = text.split("::");
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const fill = new Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16));
}

/** The error a refused connection fails with: it names no address. */
export function refusedAddressError(): Error & { code: string } {
  return Object.assign(new Error(REFUSED_ADDRESS_ERROR), { code: REFUSED_ADDRESS_CODE });
}

/**
 * A DNS lookup for the socket (the `lookup` option of http.request, net.connect or an Agent)
 * that refuses when any address the name resolves to is forbidden, not just the one it would
 * pick: a name that mixes public and private addresses is refused.
 */
export function checkedLookup(onRefused?: () => void): LookupFunction {
  return (hostname, options, callback) => {
    const all: LookupAllOptions = { ...options, all: true };
    dnsLookup(hostname, all, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      if (addresses.length === 0 || addresses.some((a) => isForbiddenAddress(a.address))) {
        onRefused?.();
        return callback(refusedAddressError(), "", 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
