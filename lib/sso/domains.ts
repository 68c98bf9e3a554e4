// Email domains an organization's provider may sign in (pure). A list of exact domains, lower
// case; empty means any. A subdomain is not its parent: list each one.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** "example.com, @Example.org\nb.example.com" → ["example.com", "example.org", "b.example.com"]. */
export function parseDomainList(text: string): { domains: string[]; invalid: string[] } {
  const words = text
    .split(/[\s,;]+/)
    .map((w) => w.trim().toLowerCase().replace(/^@/, ""))
    .filter(Boolean);
  const domains = [...new Set(words.filter((w) => DOMAIN.test(w)))];
  const invalid = words.filter((w) => !DOMAIN.test(w));
  return { domains, invalid };
}

export function isDomain(text: string): boolean {
  return DOMAIN.test(text);
}

/** The domain of an address, lower case; null for something that is not an address. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at < 1 || at === email.length - 1) return null;
  return email.slice(at + 1).toLowerCase();
}

export function domainAllowed(email: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const domain = emailDomain(email);
  return domain !== null && allowed.includes(domain);
}

/**
 * The stored column (a JSON array of strings). Anything else throws rather than read as "any
 * domain": a damaged row must not open the organization to every address.
 */
export function readDomainColumn(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((d) => typeof d === "string")) {
    throw new Error("SsoProvider.allowedDomains is not a JSON array of strings");
  }
  return parsed;
}
