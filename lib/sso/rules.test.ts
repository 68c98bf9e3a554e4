import { describe, expect, it } from "vitest";
import { domainAllowed, emailDomain, parseDomainList } from "./domains";
import { insecureAllowed, issuerProblem } from "./issuer-url";
import { passwordMayAct } from "./require-sso";

describe("issuerProblem", () => {
  // [issuer, hosted, accepted]
  const cases: [string, boolean, boolean][] = [
    ["https://login.example.com", false, true],
    ["https://login.example.com", true, true],
    ["https://login.example.com/realms/acme", true, true],
    ["http://127.0.0.1:8080", false, true],
    ["http://localhost:8080/realms/x", false, true],
    ["http://[::1]:8080", false, true],
    ["http://127.0.0.1:8080", true, false],
    ["http://login.example.com", false, false],
    ["http://10.0.0.5", false, false],
    ["https://127.0.0.1", true, false],
    ["https://[::ffff:169.254.169.254]", true, false],
    ["https://10.0.0.5", false, true],
    ["https://user:pw@login.example.com", false, false],
    ["https://login.example.com/?tenant=x", false, false],
    ["https://login.example.com/#x", false, false],
    ["ftp://login.example.com", false, false],
    ["login.example.com", false, false],
  ];
  it.each(cases)("%s (hosted %s) → accepted %s", (issuer, hosted, accepted) => {
    expect(issuerProblem(issuer, hosted) === null).toBe(accepted);
  });

  it("allows plain http only to loopback on a non-hosted install", () => {
    expect(insecureAllowed(new URL("http://127.0.0.2:1"), false)).toBe(true);
    expect(insecureAllowed(new URL("http://127.0.0.2:1"), true)).toBe(false);
    expect(insecureAllowed(new URL("https://127.0.0.1"), false)).toBe(false);
    expect(insecureAllowed(new URL("http://localhost.example.com"), false)).toBe(false);
  });
});

describe("allowed email domains", () => {
  it("parses a list written with commas, spaces, lines and @", () => {
    expect(parseDomainList(" Example.com, @example.org\nb.example.com;example.com ")).toEqual({
      domains: ["example.com", "example.org", "b.example.com"],
      invalid: [],
    });
    expect(parseDomainList("example, exa mple.com, -x.com").invalid).toEqual(["example", "exa", "-x.com"]);
  });

  const cases: [string, string[], boolean][] = [
    ["a@example.com", [], true],
    ["a@example.com", ["example.com"], true],
    ["a@EXAMPLE.com", ["example.com"], true],
    ["a@sub.example.com", ["example.com"], false],
    ["a@example.com.evil", ["example.com"], false],
    ["a@b@example.com", ["example.com"], true],
    ["not-an-address", ["example.com"], false],
  ];
  it.each(cases)("%s in %j → %s", (email, allowed, ok) => {
    expect(domainAllowed(email, allowed)).toBe(ok);
  });

  it("reads an address's domain", () => {
    expect(emailDomain("x@Example.COM")).toBe("example.com");
    expect(emailDomain("@example.com")).toBeNull();
    expect(emailDomain("x@")).toBeNull();
  });
});

describe("passwordMayAct (require single sign-on)", () => {
  const member = { userId: "u1", role: "developer" };
  const admin = { userId: "u1", role: "admin" };
  // [provider, member, may act]
  const cases: [Parameters<typeof passwordMayAct>[0], { userId: string; role: string }, boolean][] = [
    [null, member, true],
    [{ enabled: true, requireSso: false, breakGlassUserId: null }, member, true],
    [{ enabled: false, requireSso: true, breakGlassUserId: null }, member, true],
    [{ enabled: true, requireSso: true, breakGlassUserId: null }, member, false],
    [{ enabled: true, requireSso: true, breakGlassUserId: "u1" }, admin, true],
    // The break-glass user demoted since: no longer.
    [{ enabled: true, requireSso: true, breakGlassUserId: "u1" }, member, false],
    [{ enabled: true, requireSso: true, breakGlassUserId: "u2" }, admin, false],
  ];
  it.each(cases)("%j %j → %s", (provider, m, ok) => {
    expect(passwordMayAct(provider, m)).toBe(ok);
  });
});
