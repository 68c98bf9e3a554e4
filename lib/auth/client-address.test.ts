import { describe, expect, it } from "vitest";
import { normalizeAddress, rewriteForwardedFor } from "@/server/forwarded-for";
import { clientAddressFrom } from "./client-address";

const client = (header: string | undefined, peer: string, trusted: number) =>
  clientAddressFrom(rewriteForwardedFor(header, peer, trusted));

describe("client address", () => {
  it("is the TCP peer when no proxy is trusted, whatever the client wrote in the header", () => {
    expect(client(undefined, "198.51.100.7", 0)).toBe("198.51.100.7");
    expect(client("203.0.113.9", "198.51.100.7", 0)).toBe("198.51.100.7");
    expect(client("203.0.113.9, 192.0.2.1", "198.51.100.7", 0)).toBe("198.51.100.7");
  });

  it("is what the one trusted proxy appended, not what the client prepended", () => {
    // The client sent "X-Forwarded-For: 203.0.113.9"; our proxy appended the address it saw.
    expect(client("203.0.113.9, 198.51.100.7", "10.0.0.2", 1)).toBe("198.51.100.7");
    expect(client("198.51.100.7", "10.0.0.2", 1)).toBe("198.51.100.7");
  });

  it("walks back as many hops as there are trusted proxies", () => {
    expect(client("203.0.113.9, 198.51.100.7, 10.0.0.1", "10.0.0.2", 2)).toBe("198.51.100.7");
  });

  it("treats an IPv4 client of a dual-stack socket as the IPv4 address", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(client(undefined, "::ffff:127.0.0.1", 0)).toBe("127.0.0.1");
    expect(normalizeAddress("2001:DB8::1")).toBe("2001:db8::1");
  });

  it("answers unknown rather than an empty key", () => {
    expect(clientAddressFrom(null)).toBe("unknown");
    expect(clientAddressFrom("")).toBe("unknown");
  });
});
