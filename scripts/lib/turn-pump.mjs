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
// everything else: first come, first served, whether or not the connection was already open.
//
// How many per turn trades that fairness against throughput: a turn also runs the I/O that is
// ready, and when the thread blocks inside a turn (a WAL checkpoint's fsync) one request per
// turn left the server half idle (25 turns/s at 50% CPU). Eight per turn kept every stream
// and nearly every page answered under 200 browsers and 16 submitting clients (bench/README.md).
//
// A request started from a setImmediate callback runs in the "check" phase; the next batch is
// scheduled from there, and an immediate scheduled during the check phase waits for the next
// turn, after that turn's poll phase (where the accept happens).

/** Requests the web server starts per event-loop turn (see above). */
export const REQUESTS_PER_TURN = 8;

/**
 * Wraps `handle(req, res)` so calls start at most `perTurn` per event-loop turn, first in first
 * out. `stats()` reports the requests waiting and the most that ever waited (for tests).
 */
export function pacedByTurn(handle, perTurn = REQUESTS_PER_TURN) {
  // Waiting requests, oldest first. A turn takes its batch off the front, so a request that has
  // been started is no longer held here, however long the queue stays non-empty under load.
  const waiting = [];
  let scheduled = false;
  let mostWaiting = 0;

  function pump() {
    scheduled = false;
    const batch = waiting.splice(0, perTurn);
    if (waiting.length > 0) schedule();
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
    waiting.push([req, res]);
    mostWaiting = Math.max(mostWaiting, waiting.length);
    schedule();
  }
  enqueue.stats = () => ({ waiting: waiting.length, mostWaiting });
  return enqueue;
}
