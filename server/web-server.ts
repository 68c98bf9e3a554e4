// The console's web server: Next.js's production server behind a Node HTTP server of our own,
// which does what `next start` cannot:
// - it rewrites X-Forwarded-For on every request from the TCP peer and the trusted proxies
//   (server/forwarded-for.ts), so per-address limits (sign-in attempts) see the client's real
//   address and never one the client wrote itself;
// - it starts requests a few per event-loop turn, pages and actions before polls and streams,
//   and answers 503 when too many wait (server/turn-pump.ts, server/request-lane.ts).
// `npm start`, `npm run start:prod` and the end-to-end server run it as
// `node --import tsx/esm server/web-server.ts` (scripts/lib/processes.mjs); it needs a build.
//
// Start-up: tsx is here for this folder's few TypeScript modules, not for Next.js's thousands of
// JavaScript ones, and two of its defaults cost Next's start more than tsx itself does (CPU to
// the first answer on 2 cores: plain node 0.9 s, `node --import tsx` 1.65 s, as here 1.2 s):
// - only tsx's ESM half is loaded (tsx/esm): its CommonJS half hooks every require of Next's;
// - source maps stay off, as under plain node: tsx turns them on, and Node then reads, parses
//   and keeps the .map file beside each of Next's modules as it loads (.next/ has hundreds), so
//   Next is imported only after they are off. The price: a stack trace through this folder
//   points into tsx's output rather than the source.
// What is left is tsx's own start and lib/env.ts's schema (zod, 0.1 s of it), some 0.3 s.
//
//   PORT (3000), HOSTNAME (0.0.0.0), BATCHDECK_TRUSTED_PROXIES (0), BATCHDECK_WEB_QUEUE_LIMIT (2000)
import { createServer } from "node:http";
import { join } from "node:path";
import { ConfigError, env } from "../lib/env";
import { logger } from "../lib/log";
import { rewriteForwardedFor } from "./forwarded-for";
import { pacedByTurn, QUEUE_LIMIT } from "./turn-pump";

const log = logger().child({ component: "web" });
const root = join(import.meta.dirname, "..");
const hostname = process.env.HOSTNAME ?? "0.0.0.0";

// The one configuration schema (lib/env.ts): a bad value stops the server here, naming it.
let settings: ReturnType<typeof env>;
try {
  settings = env();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const { PORT: port, BATCHDECK_TRUSTED_PROXIES: trustedProxies, BATCHDECK_WEB_QUEUE_LIMIT: queueLimit } = settings;

// Before Next loads, not with a static import (see "Start-up" above).
process.setSourceMapsEnabled(false);
const { default: next } = await import("next");
const app = next({ dev: false, dir: root, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

// A full queue refuses requests by the hundred a second: say so when it starts, then at most
// once a minute with how many were refused since.
let refusalsLoggedAt = 0;
let refusedSinceLog = 0;
function noteRefusal(lane: string) {
  refusedSinceLog += 1;
  if (Date.now() - refusalsLoggedAt < 60_000) return;
  log.warn("too many requests waiting: answering 503", {
    lane,
    refused: refusedSinceLog,
    queueLimit: queueLimit ?? QUEUE_LIMIT,
  });
  refusalsLoggedAt = Date.now();
  refusedSinceLog = 0;
}

const server = createServer(
  pacedByTurn(
    (req, res) => {
      req.headers["x-forwarded-for"] = rewriteForwardedFor(
        req.headers["x-forwarded-for"],
        req.socket.remoteAddress,
        trustedProxies,
      );
      handle(req, res).catch((error: unknown) => {
        log.error("request failed", { error, url: req.url });
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    },
    { queueLimit, onRefused: noteRefusal },
  ),
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
  log.info(`listening on http://${hostname}:${port}`);
});

function stop() {
  server.close(() => process.exit(0));
  // Open streams (live logs) do not end by themselves: give them a moment, then go.
  setTimeout(() => process.exit(0), 3_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
