import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFUSED_ADDRESS_ERROR } from "@/lib/net/address-policy";
import { MAX_RESPONSE_BYTES, ssoFetch } from "./sso-fetch";

const get = { method: "GET", headers: {}, body: undefined, redirect: "manual" } as const;

describe("ssoFetch", () => {
  let base = "";
  const server = createServer((req, res) => {
    if (req.url === "/big") res.end(Buffer.alloc(MAX_RESPONSE_BYTES + 1));
    else if (req.url === "/moved") res.writeHead(302, { location: "http://169.254.169.254/" }).end();
    else if (req.method === "POST") req.pipe(res);
    else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("talks plain http to loopback on a non-hosted install, and posts forms", async () => {
    const local = ssoFetch({ hosted: false });
    expect(await (await local(`${base}/x`, get)).json()).toEqual({ ok: true });
    const posted = await local(`${base}/token`, { ...get, method: "POST", body: new URLSearchParams({ a: "1" }) });
    expect(await posted.text()).toBe("a=1");
  });

  it("does not follow redirects and refuses answers that are too large", async () => {
    const local = ssoFetch({ hosted: false });
    const moved = await local(`${base}/moved`, get);
    expect(moved.status).toBe(302);
    await expect(local(`${base}/big`, get)).rejects.toThrow(/larger than/);
  });

  it("refuses plain http elsewhere, and private addresses on a hosted install", async () => {
    await expect(ssoFetch({ hosted: false })("http://login.example.com/", get)).rejects.toThrow(/only https/);
    await expect(ssoFetch({ hosted: true })(`${base}/x`, get)).rejects.toThrow(/only https/);
    await expect(ssoFetch({ hosted: true })("https://127.0.0.1:1/", get)).rejects.toThrow(REFUSED_ADDRESS_ERROR);
    // A name that resolves to loopback is refused by the checked lookup, before connecting.
    await expect(ssoFetch({ hosted: true })("https://localhost:1/", get)).rejects.toThrow(REFUSED_ADDRESS_ERROR);
  });
});
