// The address of the client a request came from, for per-address limits. The web server
// (server/web-server.ts) rewrites X-Forwarded-For on every request (server/forwarded-for.ts)
// to the entries our trusted proxies appended, then the TCP peer: what a client wrote into the
// header itself is gone, and the client is the first entry left.
import { headers } from "next/headers";

export function clientAddressFrom(forwardedFor: string | null | undefined): string {
  const first = forwardedFor?.split(",")[0]?.trim();
  return first ? first.slice(0, 64) : "unknown";
}

/** The current request's client address (server actions and route handlers). */
export async function clientAddress(): Promise<string> {
  return clientAddressFrom((await headers()).get("x-forwarded-for"));
}
