// Delivering one automation event to a user's HTTP(S) endpoint: signing, the address policy,
// the request itself and the retry schedule. Pure I/O and policy; the engine worker that calls
// it owns the delivery rows and decides when to call again.
//
//   2xx                                  → ok
//   3xx                                  → failure: redirects are not followed (a redirect could
//                                          point anywhere, past the address check)
//   any other status                     → failure, with the status and up to 1 KiB of the body
//   no answer within timeoutMs           → failure: "timed out after N ms"
//   connection error                     → failure: the error code only (ECONNREFUSED, ENOTFOUND…)
//   refusePrivateAddresses and any       → failure, before a connection is opened; the message
//   address of the host is forbidden       names no address
//
// The address check (lib/net/address-policy.ts) runs inside the socket's own DNS lookup, on
// exactly the addresses it is about to connect to, so a name that resolves to a public address
// when the URL is saved and to 127.0.0.1 at delivery time (DNS rebinding) is still refused.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { checkedLookup, isForbiddenAddress, isForbiddenLiteral, REFUSED_ADDRESS_ERROR } from "@/lib/net/address-policy";

export const SIGNATURE_HEADER = "x-batchdeck-signature";
export const TIMESTAMP_HEADER = "x-batchdeck-timestamp";
export const DELIVERY_HEADER = "x-batchdeck-delivery";
export const USER_AGENT = "Batchdeck-Webhook/1";

export const REDIRECT_ERROR = "redirects are not followed";
export const SNIPPET_BYTES = 1024;

// ---- Signing -------------------------------------------------------------------------------

/** `v1=` + hex HMAC-SHA256 of `${timestamp}.${body}`; the timestamp is unix seconds. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * What a receiver runs on the raw body and the two headers. Constant-time in the signature.
 * Rejecting stale timestamps (replays) is the receiver's choice and not done here.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: number,
  body: string,
  header: string | null | undefined,
): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// ---- Address policy ------------------------------------------------------------------------
//
// lib/net/address-policy.ts: shared with the AWS backend's endpoint overrides. Re-exported here
// for the callers and tests that know it as the webhook's policy.

export { isForbiddenAddress, REFUSED_ADDRESS_ERROR };

// ---- Delivery ------------------------------------------------------------------------------

export interface DeliverWebhookOptions {
  url: string;
  body: string;
  secret: string;
  deliveryId: string;
  timeoutMs: number;
  /** True on hosted installs: refuse loopback, private, link-local and similar addresses. */
  refusePrivateAddresses: boolean;
  /** Sent as given, except that they cannot replace the headers this module sets. */
  extraHeaders?: Record<string, string>;
  /** Milliseconds since the epoch; for the signature's timestamp and durationMs. */
  now?: () => number;
}

export interface DeliveryResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
  durationMs: number;
  responseSnippet?: string;
}

// Headers the delivery owns; an extra header with one of these names is dropped.
const OWN_HEADERS = new Set([
  "content-type",
  "content-length",
  "transfer-encoding",
  "connection",
  "host",
  "user-agent",
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DELIVERY_HEADER,
]);

/** POSTs the body once. Never throws; every outcome is a DeliveryResult. */
export function deliverWebhook(opts: DeliverWebhookOptions): Promise<DeliveryResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const result = (r: Omit<DeliveryResult, "durationMs">): DeliveryResult => ({
    ...r,
    durationMs: Math.max(0, now() - started),
  });

  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    return Promise.resolve(result({ ok: false, error: "the endpoint is not a valid URL" }));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Promise.resolve(result({ ok: false, error: "the endpoint must be an http:// or https:// URL" }));
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  // Node connects to an IP literal without calling lookup, so the literal is checked here.
  if (opts.refusePrivateAddresses && isForbiddenLiteral(hostname)) {
    return Promise.resolve(result({ ok: false, error: REFUSED_ADDRESS_ERROR }));
  }

  const timestamp = Math.floor(started / 1000);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.extraHeaders ?? {})) {
    if (!OWN_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  Object.assign(headers, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(opts.body)),
    "user-agent": USER_AGENT,
    [SIGNATURE_HEADER]: signWebhook(opts.secret, timestamp, opts.body),
    [TIMESTAMP_HEADER]: String(timestamp),
    [DELIVERY_HEADER]: opts.deliveryId,
  });

  return new Promise((resolve) => {
    let settled = false;
    let refused = false;
    let req: http.ClientRequest | undefined;
    let finishBody: (() => void) | undefined;
    const settle = (r: Omit<DeliveryResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result(r));
      req?.destroy();
    };
    const timer = setTimeout(() => {
      // Once the status line is in, a slow body does not undo the answer.
      if (finishBody) finishBody();
      else settle({ ok: false, error: `timed out after ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);

    const request = url.protocol === "https:" ? https.request : http.request;
    try {
      req = request({
        method: "POST",
        protocol: url.protocol,
        hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        headers,
        // A fresh connection per delivery: a pooled socket would skip the lookup below, and a
        // socket opened for an unguarded delivery must never carry a guarded one.
        agent: false,
        lookup: opts.refusePrivateAddresses
          ? checkedLookup(() => {
              refused = true;
            })
          : undefined,
      });
    } catch (err) {
      // Invalid header names or values in extraHeaders are thrown synchronously.
      settle({ ok: false, error: errorCode(err) });
      return;
    }

    req.on("error", (err) => {
      settle({ ok: false, error: refused ? REFUSED_ADDRESS_ERROR : errorCode(err) });
    });
    req.on("response", (res) => {
      const statusCode = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      finishBody = () => {
        const snippet = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString("utf8");
        const verdict =
          statusCode >= 200 && statusCode < 300
            ? { ok: true }
            : statusCode >= 300 && statusCode < 400
              ? { ok: false, error: REDIRECT_ERROR }
              : { ok: false, error: `the endpoint answered HTTP ${statusCode}` };
        settle({ ...verdict, statusCode, ...(snippet ? { responseSnippet: snippet } : {}) });
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= SNIPPET_BYTES) finishBody?.();
      });
      res.on("end", () => finishBody?.());
      // The request is destroyed on settling; an abort of the body after that is expected.
      res.on("error", () => finishBody?.());
    });
    req.end(opts.body);
  });
}

/** A short, address-free description of a connection error: its code, never its message. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z0-9_]+$/.test(code) ? code : "the connection failed";
}

// ---- Retry schedule ------------------------------------------------------------------------
//
//   retry n waits 10 s × 2^(n−1), at most 1 hour, then ×[0.8, 1.2) jitter so that deliveries
//   failed together do not retry together (the jitter applies at the cap too: 48–72 min)
//   a delivery is given up once a day has passed since its first attempt

export const RETRY_BASE_MS = 10_000;
export const RETRY_CAP_MS = 3_600_000;
export const RETRY_JITTER = 0.2;
export const DELIVERY_GIVE_UP_MS = 24 * 3600 * 1000;

/** The wait before retry `attempt` (1 = the first retry). `rand` returns [0, 1). */
export function nextRetryDelayMs(attempt: number, rand: () => number = Math.random): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  const base = Math.min(RETRY_BASE_MS * 2 ** Math.min(n - 1, 30), RETRY_CAP_MS);
  const jitter = 1 + (2 * rand() - 1) * RETRY_JITTER;
  return Math.round(base * jitter);
}

export function shouldGiveUp(firstAttemptAt: number, now: number): boolean {
  return now - firstAttemptAt >= DELIVERY_GIVE_UP_MS;
}
