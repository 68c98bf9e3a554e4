// Which issuer URLs Batchdeck accepts for an OpenID provider, as a pure rule (the settings form,
// the install-wide configuration and the outbound fetch share it):
//
//   https://host[/path]                       → accepted (on a hosted install the host must not
//                                               be an IP literal the address policy refuses; a
//                                               name is checked when connecting, sso-fetch.ts)
//   http://127.0.0.1…, http://[::1]…,
//   http://localhost… (loopback)              → accepted on a non-hosted install only: an
//                                               identity provider on the same machine (tests, a
//                                               laptop); openid-client refuses plain http
//                                               otherwise, and so does this
//   any other http://, other schemes          → refused
//   credentials, a query or a fragment        → refused (OpenID Connect Discovery: an issuer is
//                                               a URL with none of them)
import { isIP } from "node:net";
import { isForbiddenLiteral } from "@/lib/net/address-policy";

/** Hostnames (as URL.hostname gives them) that name this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** Whether plain http may be used to reach this URL's host. */
export function insecureAllowed(url: URL, hosted: boolean): boolean {
  return url.protocol === "http:" && !hosted && isLoopbackHost(url.hostname);
}

/** The problem with an issuer URL, in words for the form; null when it is acceptable. */
export function issuerProblem(text: string, hosted: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Enter the issuer's URL, such as https://login.example.com.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The issuer's URL must start with https://.";
  if (url.username || url.password) return "The issuer's URL must not contain a user name or password.";
  if (url.search || url.hash) return "The issuer's URL must not have a query (?…) or a fragment (#…).";
  if (url.protocol === "http:" && !insecureAllowed(url, hosted)) {
    return hosted
      ? "The issuer's URL must start with https://."
      : "The issuer's URL must start with https:// (http:// is accepted only for a provider on this machine: localhost or 127.0.0.1).";
  }
  if (hosted && isForbiddenLiteral(url.hostname)) {
    return "The issuer's address is private, loopback or link-local, which hosted Batchdeck does not connect to.";
  }
  return null;
}
