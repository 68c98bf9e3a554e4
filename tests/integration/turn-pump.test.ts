// The web server's request pump (scripts/lib/turn-pump.mjs) on a real HTTP server and real
// sockets: requests start a few per event-loop turn, first come first served, and a connection
// that arrives while requests wait is accepted between them rather than after all of them
// (Node 20 accepts one connection per turn, and a turn that starts every waiting request lasts
// as long as all of them).
import { Agent, createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isInteractive, pacedByTurn, REQUESTS_PER_TURN } from "@/scripts/lib/turn-pump.mjs";

type Handler = Parameters<typeof createServer>[1] & {};

/** Counts event-loop turns: an immediate that schedules itself runs once per turn. */
function turnCounter() {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    now: () => turn,
    stop: () => {
      running = false;
    },
  };
}

/** Until `done()`: the pump starts what waits over the next event-loop turns. */
const settled = (done: () => boolean) => vi.waitFor(() => expect(done()).toBe(true), { timeout: 10_000, interval: 1 });

/** Holds the thread for `ms`, as a request whose database calls are synchronous does. */
function busy(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a request's synchronous work
  }
}

function request(port: number, path: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ port, host: "127.0.0.1", path, agent }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

describe("pacedByTurn", () => {
  let server: Server | undefined;
  const agents: Agent[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) a.destroy();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  async function listen(handler: Handler): Promise<number> {
    server = createServer(handler);
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    return (server.address() as AddressInfo).port;
  }

  it("starts requests one per turn, in the order they arrived", async () => {
    const turns = turnCounter();
    const started: { path: string; turn: number }[] = [];
    const pump = pacedByTurn((req, res) => {
      started.push({ path: req.url ?? "", turn: turns.now() });
      res.end(req.url);
    }, 1);
    const port = await listen(pump);
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    agents.push(agent);
    // Open the connections first, so the burst below arrives on open connections at once.
    await Promise.all(Array.from({ length: 20 }, (_, i) => request(port, `/warm${i}`, agent)));
    started.length = 0;
    const bodies = await Promise.all(Array.from({ length: 20 }, (_, i) => request(port, `/r${i}`, agent)));
    turns.stop();
    expect(bodies).toEqual(Array.from({ length: 20 }, (_, i) => `/r${i}`));
    expect(started).toHaveLength(20);
    expect(started.map((s) => s.path)).toEqual(Array.from({ length: 20 }, (_, i) => `/r${i}`));
    const startTurns = started.map((s) => s.turn);
    expect(new Set(startTurns).size).toBe(20);
    expect(pump.stats().waiting).toBe(0);
    expect(pump.stats().mostWaiting).toBeGreaterThan(1);
  });

  it("accepts a new connection between waiting requests, not after all of them", async () => {
    const events: string[] = [];
    let burstStarted = () => {};
    const firstOfBurst = new Promise<void>((resolve) => {
      burstStarted = resolve;
    });
    const pump = pacedByTurn((req, res) => {
      events.push(`start ${req.url}`);
      if (req.url?.startsWith("/burst")) burstStarted();
      busy(20);
      res.end("ok");
    }, 1);
    const port = await listen(pump);
    server?.on("connection", () => events.push("accept"));
    const open = new Agent({ keepAlive: true, maxSockets: 30 });
    agents.push(open);
    await Promise.all(Array.from({ length: 30 }, (_, i) => request(port, `/warm${i}`, open)));
    events.length = 0;
    // Thirty requests on open connections, then one on a new connection.
    const burst = Array.from({ length: 30 }, (_, i) => request(port, `/burst${i}`, open));
    // The pump is working through the burst: the rest of it waits.
    await firstOfBurst;
    const fresh = new Agent({ keepAlive: false });
    agents.push(fresh);
    const late = request(port, "/new-connection", fresh);
    await Promise.all([...burst, late]);
    const accepted = events.indexOf("accept");
    const burstStarts = events.filter((e) => e.startsWith("start /burst"));
    expect(burstStarts).toHaveLength(30);
    expect(accepted).toBeGreaterThanOrEqual(0);
    // The burst takes 30 turns of 20 ms; the new connection is accepted within the first few.
    const startsBeforeAccept = events.slice(0, accepted).filter((e) => e.startsWith("start /burst")).length;
    expect(startsBeforeAccept).toBeLessThan(10);
    // First come, first served: it starts after the requests that were waiting when it came.
    expect(events.at(-1)).toBe("start /new-connection");
  });

  it(`starts at most ${REQUESTS_PER_TURN} per turn by default, and a handler that throws stops only its request`, async () => {
    const turns = turnCounter();
    const started: number[] = [];
    const ended: string[] = [];
    const pump = pacedByTurn((req) => {
      started.push(turns.now());
      if (req.url === "/throws") throw new Error("handler failed");
    });
    const waiting = (url: string) =>
      [
        { url, socket: { destroyed: false } },
        {
          destroy: () => {
            ended.push(url);
          },
        },
      ] as unknown as Parameters<typeof pump>;
    pump(...waiting("/throws"));
    for (let i = 0; i < 3 * REQUESTS_PER_TURN - 1; i++) pump(...waiting(`/r${i}`));
    await settled(() => pump.stats().waiting === 0);
    turns.stop();
    expect(ended).toEqual(["/throws"]);
    expect(started).toHaveLength(3 * REQUESTS_PER_TURN);
    const perTurn = new Map<number, number>();
    for (const t of started) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([REQUESTS_PER_TURN, REQUESTS_PER_TURN, REQUESTS_PER_TURN]);
  });

  it("does not start a request whose connection closed while it waited", async () => {
    const started: string[] = [];
    const pump = pacedByTurn((req) => {
      started.push(req.url ?? "");
    });
    const waiting = (url: string, destroyed: boolean) =>
      [{ url, socket: { destroyed } }, {}] as unknown as Parameters<typeof pump>;
    pump(...waiting("/a", false));
    pump(...waiting("/gone", true));
    pump(...waiting("/b", false));
    await settled(() => started.includes("/b"));
    expect(started).toEqual(["/a", "/b"]);
  });

  it("starts pages before the polls and API calls waiting with them, and still one of those every turn", async () => {
    const turns = turnCounter();
    const started: { url: string; turn: number }[] = [];
    const pump = pacedByTurn((req) => {
      started.push({ url: req.url ?? "", turn: turns.now() });
    }, 4);
    const waiting = (url: string) => [{ url, socket: { destroyed: false } }, {}] as unknown as Parameters<typeof pump>;
    // Twelve polls and API calls arrive first, then nine page requests.
    const background = ["/api/jobs?status=RUNNING", "/v1/submitjob", "/api/metrics/series"];
    for (let i = 0; i < 12; i++) pump(...waiting(`${background[i % 3]}&n=${i}`));
    for (let i = 0; i < 9; i++) pump(...waiting(`/jobs/page${i}`));
    await settled(() => pump.stats().waiting === 0);
    turns.stop();
    expect(started).toHaveLength(21);
    const byTurn = new Map<number, string[]>();
    for (const s of started) byTurn.set(s.turn, [...(byTurn.get(s.turn) ?? []), s.url]);
    const rounds = [...byTurn.values()];
    // Three pages and one background request a turn while pages wait, then the nine background
    // requests left, four a turn.
    expect(rounds.map((r) => r.filter((u) => u.startsWith("/jobs/")).length)).toEqual([3, 3, 3, 0, 0, 0]);
    expect(rounds.map((r) => r.length)).toEqual([4, 4, 4, 4, 4, 1]);
    // Each lane in its own arrival order.
    const pages = started.filter((s) => s.url.startsWith("/jobs/")).map((s) => s.url);
    expect(pages).toEqual(Array.from({ length: 9 }, (_, i) => `/jobs/page${i}`));
    const rest = started.filter((s) => !s.url.startsWith("/jobs/")).map((s) => s.url);
    expect(rest).toEqual(Array.from({ length: 12 }, (_, i) => `${background[i % 3]}&n=${i}`));
  });

  it("counts pages, client navigations, server actions and assets as interactive; /api and /v1 as background", () => {
    for (const url of ["/", "/jobs", "/jobs/abc/logs?attempt=1", "/_next/static/chunks/x.js", "/apis", "/v1x"]) {
      expect(isInteractive({ url })).toBe(true);
    }
    for (const url of ["/api/jobs", "/api/jobs/abc/logs/stream?attempt=1", "/v1/submitjob", "/v1", "/api?x=1"]) {
      expect(isInteractive({ url })).toBe(false);
    }
  });
});
