#!/usr/bin/env node
// The console's web server: Next.js's production server behind a Node HTTP server of our own,
// which does one thing `next start` cannot: it rewrites X-Forwarded-For on every request from
// the TCP peer and the trusted proxies (scripts/lib/forwarded-for.mjs), so per-address limits
// (sign-in attempts) see the client's real address and never one the client wrote itself.
// `npm start`, `npm run start:prod` and the end-to-end server run this; it needs a build.
//
//   PORT (3000), HOSTNAME (0.0.0.0), BATCHDECK_TRUSTED_PROXIES (0)
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { rewriteForwardedFor } from "./lib/forwarded-for.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";
const trustedProxies = Number(process.env.BATCHDECK_TRUSTED_PROXIES ?? 0);
if (!Number.isInteger(trustedProxies) || trustedProxies < 0 || trustedProxies > 10) {
  console.error("BATCHDECK_TRUSTED_PROXIES: expected a whole number from 0 to 10");
  process.exit(2);
}

const app = next({ dev: false, dir: root, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  req.headers["x-forwarded-for"] = rewriteForwardedFor(
    req.headers["x-forwarded-for"],
    req.socket.remoteAddress,
    trustedProxies,
  );
  handle(req, res).catch((error) => {
    console.error("[web] request failed", error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.listen(port, hostname, () => {
  console.log(`[web] listening on http://${hostname}:${port}`);
});

function stop() {
  server.close(() => process.exit(0));
  // Open streams (live logs) do not end by themselves: give them a moment, then go.
  setTimeout(() => process.exit(0), 3_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
