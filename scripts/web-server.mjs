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
import { pacedByTurn } from "./lib/turn-pump.mjs";

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

// Requests start a few per event-loop turn so that new connections are accepted between them
// (scripts/lib/turn-pump.mjs).
const server = createServer(
  pacedByTurn((req, res) => {
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
  }),
);
// Node accepts one new connection per turn of its event loop, so new connections are the slow
// path under load even with requests paced by turn (bench/README.md, the console under load):
// - idle connections stay open for 65 s instead of Node's 5 s (the common load-balancer
//   figure; browsers keep a used connection for minutes if the server lets them): an open page
//   keeps its connections between polls (job list 2 s, dashboard 5 s), and a person who comes
//   back to the console within the minute navigates on an open connection instead of queueing
//   for a new one behind a burst (the Keep-Alive header tells browsers so); the headers timer
//   is set just above it, so on a kept connection it never fires before the idle one;
// - the listen queue holds up to 4,096 connections (Node's default is 511; the kernel caps it at
//   net.core.somaxconn), so a burst of new ones waits for its turn instead of being dropped.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen({ port, host: hostname, backlog: 4096 }, () => {
  console.log(`[web] listening on http://${hostname}:${port}`);
});

function stop() {
  server.close(() => process.exit(0));
  // Open streams (live logs) do not end by themselves: give them a moment, then go.
  setTimeout(() => process.exit(0), 3_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
