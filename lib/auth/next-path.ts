// Where to go after signing in: only a path on this site. Checking `startsWith("/")` is not
// enough, since browsers read "/\evil.example" (and "/\t/evil.example") as "//evil.example", another
// site; so the value is resolved the way a browser would and kept only if it stays here.
const HERE = "http://batchdeck.invalid";

export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.length > 2000) return "/";
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return "/";
  }
  if (url.origin !== HERE) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
