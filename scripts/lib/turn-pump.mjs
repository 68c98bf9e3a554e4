// Starts the web server's requests a few per turn of the event loop, in the order they arrived.
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
// Two lanes. Under saturation every request waits its turn, and the wait is the queue's length
// over the server's rate: with 200 browsers polling, a page navigation queued behind some four
// hundred polls waited seconds, some 30 s. A person is waiting on a page; a poll repeats anyway.
// So requests a person waits on (pages, their server actions and assets: isInteractive) start
// before the polls, live streams and /v1 calls that were waiting, and the background lane still
// starts at least one request every turn, so a stream of pages cannot hold it up forever.
//
// A request started from a setImmediate callback runs in the "check" phase; the next batch is
// scheduled from there, and an immediate scheduled during the check phase waits for the next
// turn, after that turn's poll phase (where the accept happens).

/** Requests the web server starts per event-loop turn (see above). */
export const REQUESTS_PER_TURN = 8;

/**
 * Whether a person is waiting on this request: a page, a client navigation, a server action or
 * a static asset. The console's polls and live streams (/api/...) and the AWS-compatible API
 * (/v1/...) are background.
 */
export function isInteractive(req) {
  const path = req.url ?? "/";
  return !/^\/(api|v1)(\/|\?|$)/.test(path);
}

/**
 * Wraps `handle(req, res)` so calls start at most `perTurn` per event-loop turn: interactive
 * requests first, in the order they arrived, then background ones in theirs, with at least one
 * background request per turn while any wait (when perTurn is 2 or more). `stats()` reports the requests waiting and the
 * most that ever waited (for tests).
 */
export function pacedByTurn(handle, perTurn = REQUESTS_PER_TURN, interactive = isInteractive) {
  // Waiting requests, oldest first, per lane. A turn takes its batch off the fronts, so a
  // request that has been started is no longer held here, however long the queues stay
  // non-empty under load.
  const urgent = [];
  const background = [];
  let scheduled = false;
  let mostWaiting = 0;

  function pump() {
    scheduled = false;
    const urgentShare = background.length > 0 ? Math.max(perTurn - 1, 1) : perTurn;
    const batch = urgent.splice(0, urgentShare);
    batch.push(...background.splice(0, perTurn - batch.length));
    if (urgent.length + background.length > 0) schedule();
    for (const [req, res] of batch) {
      // A request whose client went away while it waited is not started.
      if (req.socket?.destroyed) continue;
      try {
        handle(req, res);
      } catch (error) {
        // The handler's own failure, not the queue's: this request ends, the others go on.
        res.destroy(error);
      }
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  }

  function enqueue(req, res) {
    (interactive(req) ? urgent : background).push([req, res]);
    mostWaiting = Math.max(mostWaiting, urgent.length + background.length);
    schedule();
  }
  enqueue.stats = () => ({ waiting: urgent.length + background.length, mostWaiting });
  return enqueue;
}
