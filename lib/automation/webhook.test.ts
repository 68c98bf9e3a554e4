import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DELIVERY_GIVE_UP_MS,
  DELIVERY_HEADER,
  deliverWebhook,
  isForbiddenAddress,
  nextRetryDelayMs,
  REDIRECT_ERROR,
  REFUSED_ADDRESS_ERROR,
  SIGNATURE_HEADER,
  shouldGiveUp,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from "./webhook";

const SECRET = "whsec_test";

describe("signWebhook / verifyWebhookSignature", () => {
  it("is v1= and the hex HMAC-SHA256 of `timestamp.body`", () => {
    const expected = createHmac("sha256", SECRET).update('1700000000.{"a":1}').digest("hex");
    expect(signWebhook(SECRET, 1_700_000_000, '{"a":1}')).toBe(`v1=${expected}`);
  });

  it("verifies only the exact secret, timestamp and body", () => {
    const sig = signWebhook(SECRET, 1_700_000_000, "{}");
    expect(verifyWebhookSignature(SECRET, 1_700_000_000, "{}", sig)).toBe(true);
    expect(verifyWebhookSignature("other", 1_700_000_000, "{}", sig)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 1_700_000_001, "{}", sig)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 1_700_000_000, "{ }", sig)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 1_700_000_000, "{}", sig.slice(0, -1))).toBe(false);
    expect(verifyWebhookSignature(SECRET, 1_700_000_000, "{}", undefined)).toBe(false);
  });
});

describe("isForbiddenAddress", () => {
  const cases: [string, boolean][] = [
    // loopback, unspecified, private, CGNAT, link-local
    ["127.0.0.1", true],
    ["127.255.1.2", true],
    ["0.0.0.0", true],
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["192.168.1.1", true],
    ["100.64.0.1", true],
    ["100.127.255.254", true],
    ["169.254.169.254", true],
    // multicast, broadcast
    ["224.0.0.1", true],
    ["239.255.255.250", true],
    ["255.255.255.255", true],
    // IPv6 loopback, unspecified, unique-local, link-local, multicast
    ["::1", true],
    ["::", true],
    ["fc00::1", true],
    ["fd12:3456::1", true],
    ["fe80::1", true],
    ["FE80::1", true],
    ["fe80::1%eth0", true],
    ["febf::1", true],
    ["ff02::1", true],
    // IPv4-mapped, both spellings; IPv4-compatible
    ["::ffff:127.0.0.1", true],
    ["::ffff:7f00:1", true],
    ["::ffff:169.254.169.254", true],
    ["::ffff:a9fe:a9fe", true],
    ["0:0:0:0:0:ffff:10.0.0.1", true],
    ["::127.0.0.1", true],
    ["::7f00:1", true],
    // NAT64 and 6to4 embedding a forbidden IPv4 address
    ["64:ff9b::127.0.0.1", true],
    ["64:ff9b::a9fe:a9fe", true],
    ["64:ff9b:1::1", true],
    ["2002:7f00:1::", true],
    ["2002:c0a8:101::1", true],
    // Teredo relaying to a private client (10.0.0.1 inverted)
    ["2001:0:4136:e378:8000:63bf:f5ff:fffe", true],
    // not addresses at all
    ["localhost", true],
    ["", true],
    // public
    ["8.8.8.8", false],
    ["1.1.1.1", false],
    ["172.32.0.1", false],
    ["100.128.0.1", false],
    ["2606:4700::1111", false],
    ["[2606:4700::1111]", false],
    ["64:ff9b::808:808", false],
    ["64:ff9b::8.8.8.8", false],
    ["::ffff:8.8.8.8", false],
    ["2002:808:808::1", false],
    ["2001:4860:4860::8888", false],
  ];
  it.each(cases)("%s → %s", (ip, forbidden) => {
    expect(isForbiddenAddress(ip)).toBe(forbidden);
  });
});

describe("nextRetryDelayMs / shouldGiveUp", () => {
  const mid = () => 0.5;
  it("doubles from 10 s and stops at 1 hour", () => {
    expect([1, 2, 3, 4, 9, 10, 50, 10_000].map((n) => nextRetryDelayMs(n, mid))).toEqual([
      10_000, 20_000, 40_000, 80_000, 2_560_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it("jitters within ±20%", () => {
    expect(nextRetryDelayMs(1, () => 0)).toBe(8_000);
    expect(nextRetryDelayMs(1, () => 0.999_999)).toBeLessThanOrEqual(12_000);
    expect(nextRetryDelayMs(20, () => 0)).toBe(2_880_000);
    expect(nextRetryDelayMs(20, () => 0.999_999)).toBeLessThanOrEqual(4_320_000);
    for (let attempt = 1; attempt <= 20; attempt++) {
      const base = Math.min(10_000 * 2 ** (attempt - 1), 3_600_000);
      const d = nextRetryDelayMs(attempt);
      expect(d).toBeGreaterThanOrEqual(base * 0.8);
      expect(d).toBeLessThanOrEqual(base * 1.2);
    }
  });

  it("treats attempts below 1 as the first retry", () => {
    expect(nextRetryDelayMs(0, mid)).toBe(10_000);
    expect(nextRetryDelayMs(-3, mid)).toBe(10_000);
  });

  it("gives up a day after the first attempt", () => {
    const first = 1_700_000_000_000;
    expect(shouldGiveUp(first, first)).toBe(false);
    expect(shouldGiveUp(first, first + DELIVERY_GIVE_UP_MS - 1)).toBe(false);
    expect(shouldGiveUp(first, first + DELIVERY_GIVE_UP_MS)).toBe(true);
  });
});

describe("deliverWebhook", () => {
  interface Seen {
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
  }
  const seen: Seen[] = [];
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url === "/ok") return void res.writeHead(204).end();
        if (req.url === "/fail") return void res.writeHead(500).end("boom");
        if (req.url === "/redirect") return void res.writeHead(302, { location: "http://169.254.169.254/" }).end();
        if (req.url === "/big") return void res.writeHead(200).end("x".repeat(10_000));
        // "/hang": never answers
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const deliver = (path: string, over: Partial<Parameters<typeof deliverWebhook>[0]> = {}) =>
    deliverWebhook({
      url: `http://127.0.0.1:${port}${path}`,
      body: '{"event":"job.succeeded","jobId":"j_1"}',
      secret: SECRET,
      deliveryId: "dlv_1",
      timeoutMs: 5_000,
      refusePrivateAddresses: false,
      ...over,
    });

  it("POSTs the signed JSON body, which the receiver verifies", async () => {
    const r = await deliver("/ok", { extraHeaders: { "x-custom": "yes", "X-Batchdeck-Signature": "forged" } });
    expect(r).toMatchObject({ ok: true, statusCode: 204 });
    expect(r.error).toBeUndefined();
    expect(seen).toHaveLength(1);
    const got = seen[0]!;
    expect(got.body).toBe('{"event":"job.succeeded","jobId":"j_1"}');
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["user-agent"]).toBe("Batchdeck-Webhook/1");
    expect(got.headers[DELIVERY_HEADER]).toBe("dlv_1");
    expect(got.headers["x-custom"]).toBe("yes");
    const timestamp = Number(got.headers[TIMESTAMP_HEADER]);
    expect(Number.isInteger(timestamp)).toBe(true);
    expect(verifyWebhookSignature(SECRET, timestamp, got.body, got.headers[SIGNATURE_HEADER] as string)).toBe(true);
  });

  it("signs with the injected clock", async () => {
    await deliver("/ok", { now: () => 1_700_000_000_500 });
    expect(seen[0]!.headers[TIMESTAMP_HEADER]).toBe("1700000000");
  });

  it("reports a 500 as a failure with the status and the body", async () => {
    const r = await deliver("/fail");
    expect(r).toMatchObject({ ok: false, statusCode: 500, responseSnippet: "boom" });
    expect(r.error).toMatch(/500/);
  });

  it("reads at most 1 KiB of the response", async () => {
    const r = await deliver("/big");
    expect(r.ok).toBe(true);
    expect(r.responseSnippet).toBe("x".repeat(1024));
  });

  it("does not follow a redirect", async () => {
    const r = await deliver("/redirect");
    expect(r).toMatchObject({ ok: false, statusCode: 302, error: REDIRECT_ERROR });
    expect(seen.map((s) => s.path)).toEqual(["/redirect"]);
  });

  it("times out on an endpoint that never answers", async () => {
    const r = await deliver("/hang", { timeoutMs: 300 });
    expect(r).toEqual({ ok: false, error: "timed out after 300 ms", durationMs: r.durationMs });
    expect(r.statusCode).toBeUndefined();
    server.closeAllConnections();
  });

  it("refuses a loopback IP literal without sending anything", async () => {
    const r = await deliver("/ok", { refusePrivateAddresses: true });
    expect(r).toMatchObject({ ok: false, error: REFUSED_ADDRESS_ERROR });
    expect(r.error).not.toContain("127.0.0.1");
    expect(seen).toHaveLength(0);
  });

  it("refuses a name that resolves to loopback, at connection time", async () => {
    const r = await deliver("/ok", { url: `http://localhost:${port}/ok`, refusePrivateAddresses: true });
    expect(r).toMatchObject({ ok: false, error: REFUSED_ADDRESS_ERROR });
    expect(seen).toHaveLength(0);
  });

  it("refuses IPv6 and mapped literals", async () => {
    for (const host of ["[::1]", "[::ffff:127.0.0.1]", "2130706433"]) {
      const r = await deliver("/ok", { url: `http://${host}:${port}/ok`, refusePrivateAddresses: true });
      expect(r.error).toBe(REFUSED_ADDRESS_ERROR);
    }
    expect(seen).toHaveLength(0);
  });

  it("gives the error code of a refused connection, not its message", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await deliver("/ok", { url: `http://127.0.0.1:${closedPort}/ok` });
    expect(r).toMatchObject({ ok: false, error: "ECONNREFUSED" });
  });

  it("accepts only http and https URLs", async () => {
    expect((await deliver("", { url: "ftp://example.com/hook" })).error).toMatch(/http/);
    expect((await deliver("", { url: "file:///etc/passwd" })).error).toMatch(/http/);
    expect((await deliver("", { url: "not a url" })).ok).toBe(false);
  });

  it("turns an invalid extra header into a failure instead of a throw", async () => {
    const r = await deliver("/ok", { extraHeaders: { "x-bad": "line\r\nbreak" } });
    expect(r).toMatchObject({ ok: false, error: "ERR_INVALID_CHAR" });
    expect(seen).toHaveLength(0);
  });
});
