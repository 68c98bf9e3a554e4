// The web server's request pump (server/turn-pump.ts) on a real HTTP server and real sockets:
// requests start a few per event-loop turn, first come first served, and a connection that
// arrives while requests wait is accepted between them rather than after all of them (Node 20
// accepts one connection per turn, and a turn that starts every waiting request lasts as long
// as all of them); a lane that holds its limit refuses the next request with 503 at once. And
// which lane each kind of request waits in (server/request-lane.ts).
import { Agent, createServer, get, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Lane, laneOf, type RequestKind, requestKind } from "@/server/request-lane";
import { pacedByTurn, REQUESTS_PER_TURN } from "@/server/turn-pump";

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

type Answer = { status: number; retryAfter: string | undefined; body: string };

function answer(port: number, path: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get({ port, host: "127.0.0.1", path, agent }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined, body }),
      );
    }).on("error", reject);
  });
}

const request = async (port: number, path: string, agent: Agent) => (await answer(port, path, agent)).body;

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
    const pump = pacedByTurn(
      (req, res) => {
        started.push({ path: req.url ?? "", turn: turns.now() });
        res.end(req.url);
      },
      { perTurn: 1 },
    );
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
    const pump = pacedByTurn(
      (req, res) => {
        events.push(`start ${req.url}`);
        if (req.url?.startsWith("/burst")) burstStarted();
        busy(20);
        res.end("ok");
      },
      { perTurn: 1 },
    );
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
        { url, headers: {}, socket: { destroyed: false } },
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
      [{ url, headers: {}, socket: { destroyed } }, {}] as unknown as Parameters<typeof pump>;
    pump(...waiting("/a", false));
    pump(...waiting("/gone", true));
    pump(...waiting("/b", false));
    await settled(() => started.includes("/b"));
    expect(started).toEqual(["/a", "/b"]);
  });

  it("starts pages before the polls and API calls waiting with them, and still one of those every turn", async () => {
    const turns = turnCounter();
    const started: { url: string; turn: number }[] = [];
    const pump = pacedByTurn(
      (req) => {
        started.push({ url: req.url ?? "", turn: turns.now() });
      },
      { perTurn: 4 },
    );
    const waiting = (url: string, headers: IncomingHttpHeaders) =>
      [{ url, headers, socket: { destroyed: false } }, {}] as unknown as Parameters<typeof pump>;
    // Twelve polls, streams and API calls arrive first, then nine page navigations.
    const background: [string, IncomingHttpHeaders][] = [
      ["/api/jobs?status=RUNNING", { "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" }],
      ["/v1/submitjob?", { authorization: "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/…" }],
      ["/api/jobs/abc/logs/stream?", { accept: "text/event-stream" }],
    ];
    for (let i = 0; i < 12; i++) {
      const [url, headers] = background[i % 3]!;
      pump(...waiting(`${url}&n=${i}`, headers));
    }
    for (let i = 0; i < 9; i++) pump(...waiting(`/jobs/page${i}`, { "sec-fetch-mode": "navigate" }));
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
    expect(rest).toEqual(Array.from({ length: 12 }, (_, i) => `${background[i % 3]![0]}&n=${i}`));
  });

  it("refuses a request with 503 and Retry-After at once when its lane is full, whatever the other lane holds", async () => {
    const started: string[] = [];
    const refusals: { url: string; lane: Lane; status?: number; headers?: Record<string, string> }[] = [];
    const pump = pacedByTurn(
      (req) => {
        started.push(req.url ?? "");
      },
      {
        perTurn: 1,
        queueLimit: 2,
        retryAfterSeconds: 7,
        onRefused: (lane, req) => refusals.push({ url: req.url ?? "", lane }),
      },
    );
    const waiting = (url: string, headers: IncomingHttpHeaders) => {
      const res = {
        writeHead: (status: number, headers: Record<string, string>) => {
          const refusal = refusals.find((r) => r.url === url);
          if (refusal) Object.assign(refusal, { status, headers });
        },
        end: () => {},
      };
      return [{ url, headers, socket: { destroyed: false } }, res] as unknown as Parameters<typeof pump>;
    };
    const poll = { "sec-fetch-mode": "cors" };
    const page = { "sec-fetch-mode": "navigate" };
    // All in one turn, before the pump starts any: two polls fill the background lane.
    pump(...waiting("/api/jobs?n=1", poll));
    pump(...waiting("/api/jobs?n=2", poll));
    pump(...waiting("/api/jobs?n=3", poll));
    // The interactive lane has its own room.
    pump(...waiting("/jobs/a", page));
    pump(...waiting("/jobs/b", page));
    pump(...waiting("/jobs/c", page));
    expect(refusals).toEqual([
      {
        url: "/api/jobs?n=3",
        lane: "background",
        status: 503,
        headers: expect.objectContaining({ "retry-after": "7" }),
      },
      { url: "/jobs/c", lane: "interactive", status: 503, headers: expect.objectContaining({ "retry-after": "7" }) },
    ]);
    expect(pump.stats()).toEqual({ waiting: 4, mostWaiting: 4, refused: 2 });
    await settled(() => pump.stats().waiting === 0);
    expect(started.sort()).toEqual(["/api/jobs?n=1", "/api/jobs?n=2", "/jobs/a", "/jobs/b"]);
    // Room again once the lane has drained.
    pump(...waiting("/api/jobs?n=4", poll));
    await settled(() => started.includes("/api/jobs?n=4"));
    expect(pump.stats().refused).toBe(2);
  });

  it("answers the requests past the bound 503 on the wire and serves the next one on the same connection", async () => {
    const pump = pacedByTurn(
      (_req, res) => {
        busy(20);
        res.end("ok");
      },
      { perTurn: 1, queueLimit: 3, retryAfterSeconds: 7 },
    );
    const port = await listen(pump);
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    agents.push(agent);
    await Promise.all(Array.from({ length: 20 }, (_, i) => request(port, `/warm${i}`, agent)));
    // Twenty at once on open connections: three wait, the one started holds the turn for 20 ms,
    // and most of the rest arrive while the lane is full.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => answer(port, `/burst${i}`, agent)));
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBe(pump.stats().refused);
    for (const a of refused) expect(a.retryAfter).toBe("7");
    expect(answers.filter((a) => a.status === 200)).toHaveLength(20 - refused.length);
    expect(pump.stats().mostWaiting).toBeLessThanOrEqual(3);
    // Every connection is still open and served: the agent kept all twenty.
    const again = await Promise.all(Array.from({ length: 20 }, (_, i) => answer(port, `/again${i}`, agent)));
    expect(again.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    expect(again.every((a) => a.status === 200 || a.status === 503)).toBe(true);
  });
});

describe("requestKind and laneOf", () => {
  const browser = { "user-agent": "Mozilla/5.0", "accept-language": "en" };
  const navigate = {
    ...browser,
    accept: "text/html,*/*;q=0.8",
    "sec-fetch-mode": "navigate",
    "sec-fetch-dest": "document",
  };
  const scriptFetch = { ...browser, accept: "*/*", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" };
  const sigv4 =
    "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261206/us-east-1/batch/aws4_request, SignedHeaders=host, Signature=00";
  const table: [string, string, IncomingHttpHeaders, RequestKind, Lane][] = [
    ["a page opened in the address bar", "/jobs", navigate, "document", "interactive"],
    [
      "a log download a person clicked, though under /api",
      "/api/jobs/abc/logs/download?attempt=1",
      navigate,
      "document",
      "interactive",
    ],
    [
      "a navigation without Sec-Fetch-Dest (Mode alone)",
      "/queues",
      { ...browser, "sec-fetch-mode": "navigate" },
      "document",
      "interactive",
    ],
    ["a client navigation (RSC)", "/jobs/abc?_rsc=1x2y", { ...scriptFetch, rsc: "1" }, "rsc", "interactive"],
    [
      "a prefetch of a link",
      "/jobs/abc?_rsc=1x2y",
      { ...scriptFetch, rsc: "1", "next-router-prefetch": "1" },
      "rsc",
      "interactive",
    ],
    [
      "a server action",
      "/jobs",
      { ...scriptFetch, accept: "text/x-component", "next-action": "7f00ab" },
      "server-action",
      "interactive",
    ],
    [
      "a script of the page",
      "/_next/static/chunks/app.js",
      { ...browser, "sec-fetch-mode": "no-cors", "sec-fetch-dest": "script" },
      "asset",
      "interactive",
    ],
    [
      "a font (fetched in cors mode)",
      "/_next/static/media/a.woff2",
      { ...browser, "sec-fetch-mode": "cors", "sec-fetch-dest": "font" },
      "asset",
      "interactive",
    ],
    ["a static file without fetch metadata", "/_next/static/css/app.css", {}, "asset", "interactive"],
    [
      "the favicon",
      "/favicon.ico",
      { ...browser, "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
      "asset",
      "interactive",
    ],
    [
      "a live log stream",
      "/api/jobs/abc/logs/stream?attempt=1",
      { ...scriptFetch, accept: "text/event-stream" },
      "event-stream",
      "background",
    ],
    ["the job list's poll", "/api/jobs?status=RUNNING", scriptFetch, "fetch", "background"],
    [
      "the dashboard's poll (same-origin)",
      "/api/metrics/series?range=1h",
      { ...browser, "sec-fetch-mode": "same-origin" },
      "fetch",
      "background",
    ],
    [
      "a signed /v1 call",
      "/v1/submitjob",
      { authorization: sigv4, "content-type": "application/json" },
      "aws-api",
      "background",
    ],
    ["an unsigned /v1 call", "/v1/describejobs", {}, "aws-api", "background"],
    ["/v1 itself", "/v1", {}, "aws-api", "background"],
    [
      "a CloudWatch Logs call, POSTed to /",
      "/",
      { authorization: sigv4, "x-amz-target": "Logs_20140328.GetLogEvents" },
      "aws-api",
      "background",
    ],
    [
      "a load balancer's health check",
      "/api/health",
      { "user-agent": "ELB-HealthChecker/2.0" },
      "unlabelled-api",
      "background",
    ],
    ["curl of a page", "/login", { "user-agent": "curl/8.5.0", accept: "*/*" }, "unlabelled-page", "interactive"],
    ["a path that only starts like /api", "/apis", {}, "unlabelled-page", "interactive"],
    ["a path that only starts like /v1", "/v1x", {}, "unlabelled-page", "interactive"],
  ];
  it.each(table)("%s: %s", (_what, url, headers, kind, lane) => {
    expect(requestKind({ url, headers })).toBe(kind);
    expect(laneOf({ url, headers })).toBe(lane);
  });
});
