// The "browsers" of bench/console-load.ts, in their own process so they do not share an event
// loop with the page timer: each holds the live log stream of one running job (reconnecting
// with Last-Event-ID when the stream drops, as EventSource does), polls the live job list
// every 2 s as the jobs page does and the dashboard's series every 5 s. Each browser has its
// own connections, at most 6 to the server as a browser keeps over HTTP/1.1, reused while they
// are in use and closed when idle as the server's Keep-Alive says. (One pool shared by every
// browser without a limit, as plain fetch would have it, opens a new connection whenever all
// are busy: under load that piles hundreds of fresh connections into the server's listen queue,
// which no set of real browsers does.) Started with IPC; it
// reports "opened" when every stream has answered, "flowing" when every stream has received a
// line, "ended" when every stream has received
// `end`, and its figures when told "stop".
import { setMaxListeners } from "node:events";
import { Agent, fetch } from "undici";
import { NumberedLineCheck, SseParser } from "./log-stream-check";

export interface BrowserPlan {
  base: string;
  /** One per browser: its session cookie and the job whose log it follows. */
  browsers: { cookie: string; jobId: string }[];
  /** Lines each job prints. */
  lines: number;
  listPollMs: number;
  dashboardPollMs: number;
}

export interface BrowserFigures {
  streams: number;
  streamsEnded: number;
  streamsComplete: number;
  linesDelivered: number;
  lost: number;
  repeated: number;
  foreign: number;
  reconnects: number;
  /** Newest line's age (now − its chunk's stamp) when a batch arrives, ms. */
  delivery: number[];
  /** Longest silence between two batches of one stream while its job ran, ms. */
  maxGapMs: number;
  listPolls: number[];
  dashboardPolls: number[];
  errors: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Chromium's and Firefox's limit of HTTP/1.1 connections to one host. */
const CONNECTIONS_PER_BROWSER = 6;

async function main(plan: BrowserPlan) {
  const stopping = new AbortController();
  // Every open stream listens for the stop; polls do not (stopping abandons them).
  setMaxListeners(plan.browsers.length + 10, stopping.signal);
  const figures: BrowserFigures = {
    streams: plan.browsers.length,
    streamsEnded: 0,
    streamsComplete: 0,
    linesDelivered: 0,
    lost: 0,
    repeated: 0,
    foreign: 0,
    reconnects: 0,
    delivery: [],
    maxGapMs: 0,
    listPolls: [],
    dashboardPolls: [],
    errors: [],
  };
  const error = (what: string) => {
    if (figures.errors.length < 1_000) figures.errors.push(what);
  };
  let opened = 0;
  /** Streams that have received their first line. */
  let flowing = 0;
  let ended = 0;

  async function follow(browser: Agent, cookie: string, jobId: string) {
    const check = new NumberedLineCheck();
    const url = `${plan.base}/api/jobs/${encodeURIComponent(jobId)}/logs/stream`;
    let lastId: string | undefined;
    let first = true;
    let lastBatch = 0;
    let done = false;
    while (!done && !stopping.signal.aborted) {
      const headers: Record<string, string> = { cookie, accept: "text/event-stream" };
      if (lastId) headers["last-event-id"] = lastId;
      try {
        const res = await fetch(url, { headers, signal: stopping.signal, dispatcher: browser });
        if (first) {
          first = false;
          if (++opened === plan.browsers.length) process.send?.({ type: "opened" });
        }
        if (res.status !== 200 || !res.body) {
          error(`stream ${jobId}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
          await sleep(1_000);
          figures.reconnects++;
          continue;
        }
        const parser = new SseParser();
        const decoder = new TextDecoder();
        const reader = res.body.getReader();
        for (;;) {
          const { value, done: closed } = await reader.read();
          if (closed) break;
          for (const e of parser.push(decoder.decode(value, { stream: true }))) {
            if (e.event === "message") {
              const now = Date.now();
              if (lastBatch) figures.maxGapMs = Math.max(figures.maxGapMs, now - lastBatch);
              lastBatch = now;
              const before = check.lines;
              if (before === 0 && ++flowing === plan.browsers.length) process.send?.({ type: "flowing" });
              check.accept(e.data);
              figures.linesDelivered += check.lines - before;
              const stamps = /^\{"runs":\[\[(\d+)/.exec(e.data);
              if (stamps) figures.delivery.push(now - Number(stamps[1]));
              if (e.id) lastId = e.id;
            } else if (e.event === "end") done = true;
            else if (e.event === "failure") error(`stream ${jobId}: failure event ${e.data}`);
          }
          if (done) {
            await reader.cancel();
            break;
          }
        }
        if (!done) figures.reconnects++;
      } catch (e) {
        if (stopping.signal.aborted) break;
        error(`stream ${jobId}: ${(e as Error).message}`);
        figures.reconnects++;
        await sleep(1_000);
      }
    }
    if (done) {
      figures.streamsEnded++;
      if (check.complete(plan.lines)) figures.streamsComplete++;
      else error(`stream ${jobId}: ended at line ${check.next - 1} of ${plan.lines}`);
    }
    figures.lost += check.lost + Math.max(0, plan.lines - (check.next - 1));
    figures.repeated += check.repeated;
    figures.foreign += check.foreign;
    if (++ended === plan.browsers.length) process.send?.({ type: "ended" });
  }

  async function poll(browser: Agent, cookie: string, path: string, everyMs: number, into: number[]) {
    // Browsers opened at different moments: spread the first poll over one interval.
    await sleep(Math.random() * everyMs);
    while (!stopping.signal.aborted) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${plan.base}${path}`, { headers: { cookie }, dispatcher: browser });
        const body = await res.text();
        into.push(performance.now() - t0);
        if (res.status !== 200) error(`GET ${path}: HTTP ${res.status} ${body.slice(0, 200)}`);
        else JSON.parse(body);
      } catch (e) {
        if (stopping.signal.aborted) break;
        error(`GET ${path}: ${(e as Error).message}`);
      }
      await sleep(Math.max(0, everyMs - (performance.now() - t0)));
    }
  }

  const progress = setInterval(() => {
    console.log(
      `[browsers] ${opened}/${plan.browsers.length} streams answered, ${flowing} flowing, ${ended} ended, ` +
        `${figures.linesDelivered} lines, ${figures.reconnects} reconnects, ${figures.errors.length} errors`,
    );
  }, 10_000);
  const browsers = plan.browsers.map((b) => ({ ...b, agent: new Agent({ connections: CONNECTIONS_PER_BROWSER }) }));
  const streams = browsers.map((b) => follow(b.agent, b.cookie, b.jobId));
  const polls = browsers.flatMap((b) => [
    poll(b.agent, b.cookie, "/api/jobs", plan.listPollMs, figures.listPolls),
    poll(b.agent, b.cookie, "/api/metrics/series?range=1h", plan.dashboardPollMs, figures.dashboardPolls),
  ]);
  process.on("message", async (m: { type: string }) => {
    if (m.type !== "stop") return;
    stopping.abort();
    clearInterval(progress);
    // The streams have ended; requests still in flight are abandoned rather than awaited.
    await Promise.race([Promise.allSettled([...streams, ...polls]), sleep(2_000)]);
    process.send?.({ type: "figures", figures }, undefined, undefined, () => process.exit(0));
  });
}

process.once("message", (m: { type: string; plan: BrowserPlan }) => {
  if (m.type === "plan") void main(m.plan);
});
