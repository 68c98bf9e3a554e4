// Starts the web server's requests a few per turn of the event loop, in the order they arrived,
// and refuses them at once (503) when too many already wait.
//
// Why: Node 20's libuv accepts one new connection per turn of the event loop, and the console's
// database calls are synchronous (better-sqlite3), so a request, once started, runs to its
// response within the turn. Left alone, every request that arrived on an open connection
// starts in the same turn; under 200 browsers' polls a turn took 300-600 ms, the server
// accepted two or three connections a second, and pages and streams opened on new connections
// waited minutes in the listen queue while polls on open connections were answered in about a
// second (bench/README.md, the console under load). Started a few per turn, requests keep
// turns short, so new connections are accepted between them and wait their turn like
// everything else: first come, first served within a lane (below), whether or not the
// connection was already open.
//
// How many per turn trades that fairness against throughput: a turn also runs the I/O that is
// ready and the continuations of every request in flight, so one request per turn cut the
// submitting clients to 4 a second. Eight per turn kept every stream and nearly every page
// answered under 200 browsers and 16 submitting clients (bench/README.md).
//
// Two lanes (server/request-lane.ts says which request goes where). Under saturation every
// request waits its turn, and the wait is the queue's length over the server's rate: with 200
// browsers polling, a page navigation queued behind some four hundred polls waited seconds,
// some 30 s. A person is waiting on a page; a poll repeats anyway. So interactive requests
// start before the background ones that were waiting, and the background lane still starts at
// least one request every turn, so a stream of pages cannot hold it up forever.
//
// A bound. A server that takes requests faster than it answers them only grows its queue: every
// request then waits longer than its client will, and the memory of the waiting sockets grows
// with it. So a lane holding `queueLimit` waiting requests answers the next one 503 with
// Retry-After at once: a browser's poll or live stream tries again, an AWS client backs off, and
// a proxy in front may send it to another web server (README, "Hosted deployment"). Each lane
// has its own bound because a request's wait is its own lane's length: a page is not refused
// because thousands of polls are waiting behind it.
//
// A request started from a setImmediate callback runs in the "check" phase; the next batch is
// scheduled from there, and an immediate scheduled during the check phase waits for the next
// turn, after that turn's poll phase (where the accept happens).
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Lane, laneOf } from "./request-lane";

/** Requests the web server starts per event-loop turn (see above). */
export const REQUESTS_PER_TURN = 8;

/**
 * Requests a lane may hold waiting before the next is refused (BATCHDECK_WEB_QUEUE_LIMIT). At
 * the saturated rate measured on two cores (385 waiting requests waited 4-5 s, about 85 a
 * second: bench/README.md), 2,000 is some 25 s of waiting, under the 60 s a load balancer or
 * proxy commonly waits for a response; past that a client is better served by trying again.
 */
export const QUEUE_LIMIT = 2_000;

/** Seconds a refused client is asked to wait: about one poll interval of the console's. */
export const RETRY_AFTER_SECONDS = 5;

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface PumpOptions {
  /** Requests started per turn (default REQUESTS_PER_TURN). */
  perTurn?: number;
  /** Which lane a request waits in (default: server/request-lane.ts). */
  lane?: (req: IncomingMessage) => Lane;
  /** Waiting requests per lane past which the next is refused (default QUEUE_LIMIT). */
  queueLimit?: number;
  retryAfterSeconds?: number;
  /** Told of every refusal, with the lane that was full (the web server logs the first ones). */
  onRefused?: (lane: Lane, req: IncomingMessage) => void;
}

export interface PumpStats {
  /** Requests waiting now, both lanes. */
  waiting: number;
  /** The most that ever waited at once. */
  mostWaiting: number;
  /** Requests refused with 503 because their lane was full. */
  refused: number;
}

export type Pump = Handler & { stats(): PumpStats };

/** Answers a request the queue has no room for, without reading it further. */
function refuse(res: ServerResponse, retryAfterSeconds: number) {
  res.writeHead(503, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "retry-after": String(retryAfterSeconds),
  });
  res.end("The server is busy; try again in a few seconds.\n");
}

/**
 * Wraps `handle(req, res)` so calls start at most `perTurn` per event-loop turn: interactive
 * requests first, in the order they arrived, then background ones in theirs, with at least one
 * background request per turn while any wait (when perTurn is 2 or more). A request arriving at
 * a lane that holds `queueLimit` waiting requests is answered 503 with Retry-After at once.
 */
export function pacedByTurn(handle: Handler, options: PumpOptions = {}): Pump {
  const perTurn = options.perTurn ?? REQUESTS_PER_TURN;
  const lane = options.lane ?? laneOf;
  const queueLimit = options.queueLimit ?? QUEUE_LIMIT;
  const retryAfterSeconds = options.retryAfterSeconds ?? RETRY_AFTER_SECONDS;
  // Waiting requests, oldest first, per lane. A turn takes its batch off the fronts, so a
  // request that has been started is no longer held here, however long the queues stay
  // non-empty under load.
  const queues: Record<Lane, [IncomingMessage, ServerResponse][]> = { interactive: [], background: [] };
  let scheduled = false;
  let mostWaiting = 0;
  let refused = 0;
  const waiting = () => queues.interactive.length + queues.background.length;

  function pump() {
    scheduled = false;
    const { interactive, background } = queues;
    const interactiveShare = background.length > 0 ? Math.max(perTurn - 1, 1) : perTurn;
    const batch = interactive.splice(0, interactiveShare);
    batch.push(...background.splice(0, perTurn - batch.length));
    if (waiting() > 0) schedule();
    for (const [req, res] of batch) {
      // A request whose client went away while it waited is not started.
      if (req.socket?.destroyed) continue;
      try {
        handle(req, res);
      } catch (error) {
        // The handler's own failure, not the queue's: this request ends, the others go on.
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  }

  function enqueue(req: IncomingMessage, res: ServerResponse) {
    const chosen = lane(req);
    const queue = queues[chosen];
    if (queue.length >= queueLimit) {
      refused += 1;
      options.onRefused?.(chosen, req);
      refuse(res, retryAfterSeconds);
      return;
    }
    queue.push([req, res]);
    mostWaiting = Math.max(mostWaiting, waiting());
    schedule();
  }
  return Object.assign(enqueue, { stats: (): PumpStats => ({ waiting: waiting(), mostWaiting, refused }) });
}
