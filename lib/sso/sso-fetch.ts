// The one way Batchdeck talks to an OpenID provider: openid-client's `customFetch`, over
// node:http(s) so that the socket's own DNS lookup can apply the address policy. An organization's
// issuer is a URL its admin typed, so on a hosted install every request (discovery, token,
// userinfo, whatever hosts the discovery document names) connects only where
// lib/net/address-policy.ts allows: names through checkedLookup (DNS rebinding included), IP
// literals before a socket is opened. Plain http is refused except to this machine's loopback
// on a non-hosted install (issuer-url.ts). Redirects are never followed (openid-client asks for
// "manual"); a response body is capped, and every request has a deadline.
import http from "node:http";
import https from "node:https";
import type { CustomFetch } from "openid-client";
import { checkedLookup, isForbiddenLiteral, REFUSED_ADDRESS_ERROR } from "@/lib/net/address-policy";
import { insecureAllowed } from "./issuer-url";

/** A provider's answers are small JSON documents; anything larger is refused. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const REQUEST_TIMEOUT_MS = 10_000;

export type SsoFetch = CustomFetch;

export class SsoFetchError extends Error {}

function bodyOf(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  throw new SsoFetchError("unsupported request body");
}

/** A fetch for openid-client with the address policy of this install applied. */
export function ssoFetch(opts: { hosted: boolean; timeoutMs?: number }): SsoFetch {
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      if (url.protocol !== "https:" && !(url.protocol === "http:" && insecureAllowed(url, opts.hosted))) {
        reject(new SsoFetchError(`refused to connect to ${url.protocol}//${url.host}: only https is allowed`));
        return;
      }
      const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
      if (opts.hosted && isForbiddenLiteral(hostname)) {
        reject(new SsoFetchError(REFUSED_ADDRESS_ERROR));
        return;
      }
      let body: Buffer | undefined;
      try {
        body = bodyOf(init.body);
      } catch (error) {
        reject(error);
        return;
      }
      const headers: Record<string, string> = { ...init.headers };
      if (body) headers["content-length"] = String(body.length);

      let settled = false;
      let refused = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        init.signal?.removeEventListener("abort", onAbort);
        req.destroy();
        reject(error);
      };
      const onAbort = () => fail(new SsoFetchError("the request was aborted"));
      const timer = setTimeout(() => fail(new SsoFetchError(`no answer within ${timeoutMs} ms`)), timeoutMs);

      const request = url.protocol === "https:" ? https.request : http.request;
      const req = request({
        method: init.method,
        protocol: url.protocol,
        hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        headers,
        // A fresh connection per request: a pooled socket would skip the checked lookup.
        agent: false,
        lookup: opts.hosted
          ? checkedLookup(() => {
              refused = true;
            })
          : undefined,
      });
      if (init.signal?.aborted) {
        onAbort();
        return;
      }
      init.signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (error) => fail(refused ? new SsoFetchError(REFUSED_ADDRESS_ERROR) : error));
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            fail(new SsoFetchError(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", (error) => fail(error));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          init.signal?.removeEventListener("abort", onAbort);
          const status = res.statusCode ?? 502;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
          }
          const nullBody = status === 204 || status === 205 || status === 304;
          // Response cannot carry a 1xx status or one outside 200–599; neither is an answer here.
          if (status < 200 || status > 599) {
            reject(new SsoFetchError(`unexpected HTTP status ${status}`));
            return;
          }
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      });
      req.end(body);
    });
}
