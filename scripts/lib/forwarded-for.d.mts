export function normalizeAddress(address: string): string;
export function rewriteForwardedFor(
  header: string | string[] | undefined,
  peer: string | undefined,
  trustedProxies: number,
): string;
