// The console under load (issue 6, proof 5): N "browsers" each follow a running job's live log
// over Server-Sent Events and poll the live job list (every 2 s) and the dashboard's series
// (every 5 s), while M AWS SDK clients submit jobs through /v1 (each one job after another, with
// --submit-pause-ms between: without a pause the submitters alone saturate a 2-core host and
// the figure says nothing about the console). Every stream must
// receive its job's numbered lines exactly once, in order, across reconnects, up to `end`; any
// non-2xx answer or network error fails the run. The console's HTML pages are timed with a
// session cookie, one request after another, the same number BEFORE the load and DURING it;
// the during/before ratio is the figure to compare between runs.
//
//   npm run bench:console-load -- [--browsers 200] [--submitters 16] [--seconds 60] [--jobs 200]
//                                 [--sessions N] [--page-requests 10] [--line-ms 40]
//                                 [--submit-pause-ms 100] [--postgres [--pg-fsync-off]]
//
// The server is the production build (built first when stale) with the engine beside it, on a
// fresh SQLite database (or a throwaway PostgreSQL cluster with --postgres), started by
// scripts/e2e-server.mjs. Browsers and submitters run in two child processes; server, engine,
// jobs and clients share this machine's cores, which the output says.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  BatchClient,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
} from "@aws-sdk/client-batch";
import pg from "pg";
// @ts-expect-error plain ESM helper without type declarations
import { buildIfStale } from "../scripts/lib/build.mjs";
// @ts-expect-error plain ESM helper without type declarations
import { freePort, startPgCluster } from "../scripts/lib/pg-cluster.mjs";
import { signIn, timedGet, waitHealthy } from "./lib/console-http";
import { pct, report, sleep } from "./lib/harness";
import type { BrowserFigures, BrowserPlan } from "./lib/load-browsers";
import type { SubmitFigures, SubmitPlan } from "./lib/load-submitters";
import { pgDurable } from "./lib/settings";

const { values } = parseArgs({
  options: {
    browsers: { type: "string", default: "200" },
    submitters: { type: "string", default: "16" },
    seconds: { type: "string", default: "60" },
    jobs: { type: "string" },
    sessions: { type: "string" },
    "page-requests": { type: "string", default: "10" },
    "line-ms": { type: "string", default: "40" },
    "submit-pause-ms": { type: "string", default: "100" },
    postgres: { type: "boolean", default: false },
    "pg-fsync-off": { type: "boolean", default: false },
  },
});
const BROWSERS = Number(values.browsers);
const SUBMITTERS = Number(values.submitters);
const SECONDS = Number(values.seconds);
/** Jobs followed; browsers are spread over them round-robin. */
const JOBS = Math.min(BROWSERS, Number(values.jobs ?? BROWSERS));
const PAGE_REQUESTS = Number(values["page-requests"]);
const LINE_MS = Number(values["line-ms"]);
const LINES = Math.ceil((SECONDS * 1000) / LINE_MS);
/** Sessions signed in; browsers share them round-robin, as tabs of one browser do (default: one each). */
const SESSIONS = Math.min(BROWSERS, Number(values.sessions ?? BROWSERS));

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The first admin and its access key, as scripts/e2e-server.mjs creates them.
const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };
const ADMIN_KEY = { accessKeyId: "AKIAE2EADMIN0000TEST", secretAccessKey: "e2e-admin-secret-access-key-0000000000" };

/** A job printing `line 1` … `line N` (lib/log-stream-check.ts's loadLine), one every LINE_MS (perl: no process per line). */
const lineCommand = (lines: number) => [
  "/usr/bin/perl",
  "-e",
  `$|=1; for my $i (1..${lines}) { print "line $i\\n"; select(undef, undef, undef, ${LINE_MS / 1000}); }`,
];

function startServer(port: number, databaseUrl: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, E2E_PORT: String(port) };
  if (databaseUrl) env.E2E_DATABASE_URL = databaseUrl;
  const child = spawn(process.execPath, ["scripts/e2e-server.mjs"], { cwd: root, env, stdio: "pipe" });
  const serverErrors: string[] = [];
  const watch = (data: Buffer) => {
    for (const line of data.toString().split("\n")) {
      // Route handlers and the engine log failures as JSON with level "error".
      if (/"level":"error"|Error:|⨯/.test(line)) {
        if (serverErrors.length < 100) serverErrors.push(line.slice(0, 500));
        process.stderr.write(`[server] ${line}\n`);
      }
    }
  };
  child.stdout.on("data", watch);
  child.stderr.on("data", watch);
  return { child, serverErrors };
}

/** Resident memory of the web server and of the engine (not its jobs), in MB. */
function serverRss(serverPid: number): { web: number; engine: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const rss = (pid: number) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  const out = { web: 0, engine: 0 };
  for (const pid of children.get(serverPid) ?? []) {
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmd.includes("engine/main.ts")) out.engine += rss(pid);
    else if (cmd.includes("server/web-server.ts")) out.web += rss(pid);
  }
  return out;
}

function child<TPlan, TFigures>(file: string, plan: TPlan) {
  const proc = spawn(process.execPath, ["--import", "tsx", file], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const events = new Map<string, () => void>();
  let figures: ((f: TFigures) => void) | undefined;
  const done = new Promise<TFigures>((resolve, reject) => {
    figures = resolve;
    proc.once("exit", (code) => reject(new Error(`${file} exited (${code}) before reporting`)));
  });
  proc.on("message", (m: { type: string; figures?: TFigures }) => {
    if (m.type === "figures") figures?.(m.figures as TFigures);
    else events.get(m.type)?.();
  });
  proc.send({ type: "plan", plan });
  return {
    proc,
    when: (type: string) => new Promise<void>((resolve) => events.set(type, resolve)),
    stop: () => {
      proc.send({ type: "stop" });
      return done;
    },
  };
}

interface PageTimes {
  byPage: Map<string, number[]>;
  all: number[];
  errors: string[];
}

/** `perPage` GETs of each page, round-robin, one at a time. */
async function timePages(base: string, cookie: string, pages: string[], perPage: number): Promise<PageTimes> {
  const out: PageTimes = { byPage: new Map(pages.map((p) => [p, []])), all: [], errors: [] };
  for (let i = 0; i < perPage; i++) {
    for (const page of pages) {
      try {
        const r = await timedGet(`${base}${page}`, cookie, AbortSignal.timeout(30_000));
        out.byPage.get(page)!.push(r.ms);
        out.all.push(r.ms);
        if (r.status !== 200) out.errors.push(`GET ${page}: HTTP ${r.status}`);
      } catch (e) {
        out.errors.push(`GET ${page}: ${(e as Error).message}`);
      }
    }
  }
  return out;
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "—");
// The largest by a loop: a long run has hundreds of thousands of samples, past what a spread argument list holds.
const largest = (xs: number[]) => xs.reduce((m, v) => (v > m ? v : m), Number.NEGATIVE_INFINITY);
const summary = (xs: number[]) => `p50 ${f1(pct(xs, 50))} / p95 ${f1(pct(xs, 95))} / max ${f1(largest(xs))} ms`;

async function main() {
  const failures: string[] = [];
  if (buildIfStale(root)) console.log("built the console");
  let stopCluster = () => {};
  let databaseUrl: string | undefined;
  // The e2e server's own SQLite file, opened as the console opens it.
  let database = "SQLite (scripts/e2e-server.mjs's file), journal_mode WAL";
  if (values.postgres) {
    const cluster = await startPgCluster({ durable: pgDurable() });
    stopCluster = () => cluster.stop();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query("CREATE DATABASE console_load");
    const show = async (name: string) => (await admin.query(`SHOW ${name}`)).rows[0]?.[name] as string;
    database = `PostgreSQL ${await show("server_version")}, fsync ${await show("fsync")}, synchronous_commit ${await show("synchronous_commit")}, full_page_writes ${await show("full_page_writes")}`;
    await admin.end();
    databaseUrl = cluster.urlFor("console_load");
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startServer(port, databaseUrl);
  const children: ChildProcess[] = [server.child];
  const cleanup = () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    stopCluster();
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    await waitHealthy(base, server.child);
    console.log(
      `console load on ${values.postgres ? "PostgreSQL" : "SQLite"}: ${BROWSERS} browsers over ${JOBS} jobs ` +
        `(${LINES} lines each, one every ${LINE_MS} ms, ~${SECONDS} s), ${SESSIONS} sessions, ` +
        `${SUBMITTERS} /v1 submitters (${values["submit-pause-ms"]} ms pause); ` +
        `server, engine, jobs and clients share this machine's ${availableParallelism()} cores ` +
        `(load average ${loadavg()[0]!.toFixed(1)})`,
    );

    // Resources through /v1 with the first admin's access key (scripts/e2e-server.mjs).
    // The SDK's retries here: this client sits idle while pages are timed, and a request on a
    // kept-alive socket the server has just closed is reset. The measured submitters never idle.
    const batch = new BatchClient({ endpoint: base, region: "us-east-1", credentials: ADMIN_KEY, maxAttempts: 3 });
    await batch.send(
      new CreateComputeEnvironmentCommand({
        computeEnvironmentName: "load-ce",
        type: "MANAGED",
        computeResources: { type: "EC2", maxvCpus: JOBS + 8, subnets: [], instanceRole: "local" },
        // The figure is the console's under its live streams, not the executor's: the printing jobs
        // run as sealed processes (a Perl loop, no process per line), which 200 of cost little beside
        // 200 containers on a 2-core host (bench/container-throughput.ts measures those).
        tags: { "batchdeck:executor": "process" },
      }),
    );
    await batch.send(
      new CreateJobQueueCommand({
        jobQueueName: "load-q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "load-ce" }],
      }),
    );
    // The submitters' jobs wait in a queue whose environment is disabled: the figure is the
    // API's and the console's under load, not the engine's spawn rate (bench/engine-*.ts).
    await batch.send(
      new CreateComputeEnvironmentCommand({
        computeEnvironmentName: "parked-ce",
        type: "MANAGED",
        state: "DISABLED",
        computeResources: { type: "EC2", maxvCpus: 1, subnets: [], instanceRole: "local" },
      }),
    );
    await batch.send(
      new CreateJobQueueCommand({
        jobQueueName: "parked-q",
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: "parked-ce" }],
      }),
    );
    for (const [name, command] of [
      ["load-lines", lineCommand(LINES)],
      ["parked", ["true"]],
    ] as const) {
      await batch.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName: name,
          type: "container",
          containerProperties: {
            image: "local",
            command: [...command],
            resourceRequirements: [
              { type: "VCPU", value: "1" },
              { type: "MEMORY", value: "64" },
            ],
          },
        }),
      );
    }
    // A finished job, so "a job's page" and its logs page exist before the load.
    const { jobId: shownJob } = await batch.send(
      new SubmitJobCommand({
        jobName: "shown",
        jobQueue: "load-q",
        jobDefinition: "load-lines",
        containerOverrides: { command: lineCommand(50) },
      }),
    );
    for (;;) {
      const { jobs = [] } = await batch.send(new DescribeJobsCommand({ jobs: [shownJob!] }));
      if (jobs[0]?.status === "SUCCEEDED") break;
      if (jobs[0]?.status === "FAILED") throw new Error(`the shown job failed: ${jobs[0].statusReason}`);
      await sleep(200);
    }

    // One session per browser, signed in through the login form; one more for the page timer.
    const t0 = performance.now();
    const cookies: string[] = [];
    // Four at a time: sign-in counts attempts in flight against the lockout (five), right or not.
    for (let i = 0; i < SESSIONS + 1; i += 4) {
      const n = Math.min(4, SESSIONS + 1 - i);
      cookies.push(...(await Promise.all(Array.from({ length: n }, () => signIn(base, ADMIN.email, ADMIN.password)))));
    }
    console.log(`${cookies.length} sessions signed in (one user) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const timerCookie = cookies.pop()!;

    const pages = [
      "/dashboard",
      "/jobs",
      `/jobs/${shownJob}`,
      `/jobs/${shownJob}/logs`,
      "/job-queues",
      "/job-queues/load-q",
      "/compute-environments",
      "/job-definitions",
    ];
    // Warm each page once (first render compiles nothing in production, but fills caches).
    await timePages(base, timerCookie, pages, 1);
    const before = await timePages(base, timerCookie, pages, PAGE_REQUESTS);
    const idleRss = serverRss(server.child.pid!);
    console.log(`before the load: ${summary(before.all)} over ${before.all.length} requests`);

    // The load: jobs that print steadily, browsers following them, submitters submitting.
    const jobIds: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const { jobId } = await batch.send(
        new SubmitJobCommand({ jobName: `stream-${i}`, jobQueue: "load-q", jobDefinition: "load-lines" }),
      );
      jobIds.push(jobId!);
    }
    const loadStarted = performance.now();
    const browsers = child<BrowserPlan, BrowserFigures>("bench/lib/load-browsers.ts", {
      base,
      browsers: Array.from({ length: BROWSERS }, (_, i) => ({
        cookie: cookies[i % SESSIONS]!,
        jobId: jobIds[i % JOBS]!,
      })),
      lines: LINES,
      listPollMs: 2_000,
      dashboardPollMs: 5_000,
    });
    children.push(browsers.proc);
    const allOpened = browsers.when("opened");
    const allFlowing = browsers.when("flowing");
    const allEnded = browsers.when("ended");
    let streamsEnded = false;
    void allEnded.then(() => {
      streamsEnded = true;
    });
    const submitters = child<SubmitPlan, SubmitFigures>("bench/lib/load-submitters.ts", {
      endpoint: base,
      credentials: ADMIN_KEY,
      clients: SUBMITTERS,
      jobQueue: "parked-q",
      jobDefinition: "parked",
      pauseMs: Number(values["submit-pause-ms"]),
    });
    children.push(submitters.proc);

    let peak = { web: 0, engine: 0 };
    const sampler = setInterval(() => {
      const now = serverRss(server.child.pid!);
      peak = { web: Math.max(peak.web, now.web), engine: Math.max(peak.engine, now.engine) };
    }, 1_000);

    await allOpened;
    console.log(`every stream answered after ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    await allFlowing;
    const flowingAfter = (performance.now() - loadStarted) / 1000;
    console.log(`every stream receiving its job's lines after ${flowingAfter.toFixed(1)} s`);
    const during = await timePages(base, timerCookie, pages, PAGE_REQUESTS);
    if (streamsEnded) failures.push("the streams ended before the page timing under load finished: raise --seconds");
    console.log(`during the load: ${summary(during.all)} over ${during.all.length} requests`);

    // Wait for every job to finish and every stream to receive `end`.
    const endBy = Date.now() + (SECONDS + 120) * 1000;
    while (!streamsEnded && Date.now() < endBy) await sleep(250);
    if (!streamsEnded) failures.push("not every stream received `end` within the time allowed");
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    console.log(`every stream ended after ${loadSeconds.toFixed(1)} s; stopping the clients`);
    const [sub, br] = await Promise.all([submitters.stop(), browsers.stop()]);
    clearInterval(sampler);

    // Figures.
    const rows: [string, string][] = [];
    rows.push(["machine", `${availableParallelism()} cores shared by server, engine, ${JOBS} jobs and the clients`]);
    for (const page of pages) {
      const b = before.byPage.get(page)!;
      const d = during.byPage.get(page)!;
      const name = page.replace(shownJob!, ":jobId");
      rows.push([`${name} before`, summary(b)]);
      rows.push([`${name} during`, `${summary(d)} (p95 ×${(pct(d, 95) / pct(b, 95)).toFixed(2)})`]);
    }
    rows.push(["all pages before", `${summary(before.all)} (${before.all.length} requests)`]);
    rows.push(["all pages during", `${summary(during.all)} (${during.all.length} requests)`]);
    rows.push(["p95 during / before", `${(pct(during.all, 95) / pct(before.all, 95)).toFixed(2)}×`]);
    rows.push([
      "streams held",
      `${br.streams} (${JOBS} jobs), ${br.streamsEnded} ended, ${br.streamsComplete} complete`,
    ]);
    rows.push(["lines delivered", `${br.linesDelivered} (expected ${BROWSERS * LINES})`]);
    rows.push(["lost / repeated / foreign", `${br.lost} / ${br.repeated} / ${br.foreign}`]);
    rows.push(["reconnects", String(br.reconnects)]);
    rows.push(["delivery lag (line written → received)", summary(br.delivery)]);
    rows.push(["longest gap between batches", `${br.maxGapMs} ms`]);
    rows.push(["job-list polls", `${br.listPolls.length}, ${summary(br.listPolls)}`]);
    rows.push(["dashboard polls", `${br.dashboardPolls.length}, ${summary(br.dashboardPolls)}`]);
    rows.push([
      "submissions accepted",
      `${sub.accepted} in ${sub.seconds.toFixed(1)} s = ${(sub.accepted / sub.seconds).toFixed(0)}/s, ${summary(sub.latencies)}`,
    ]);
    const errors = [...before.errors, ...during.errors, ...br.errors, ...sub.errors];
    rows.push(["errors", String(errors.length)]);
    rows.push(["server errors logged", String(server.serverErrors.length)]);
    rows.push(["web RSS idle / peak", `${idleRss.web.toFixed(0)} / ${peak.web.toFixed(0)} MB`]);
    rows.push(["engine RSS idle / peak", `${idleRss.engine.toFixed(0)} / ${peak.engine.toFixed(0)} MB`]);
    rows.push(["load lasted", `${loadSeconds.toFixed(1)} s`]);
    report("console under load", [["database", database], ...rows]);

    for (const e of errors.slice(0, 20)) console.error(`  error: ${e}`);
    if (errors.length > 0) failures.push(`${errors.length} errors`);
    if (server.serverErrors.length > 0) failures.push(`${server.serverErrors.length} server errors logged`);
    if (br.lost > 0 || br.repeated > 0 || br.foreign > 0) failures.push("lines lost, repeated or foreign");
    if (br.streamsComplete !== BROWSERS) failures.push(`${BROWSERS - br.streamsComplete} streams incomplete`);
    if (br.linesDelivered !== BROWSERS * LINES) failures.push("lines delivered ≠ browsers × lines");
    if (sub.accepted === 0) failures.push("no submission accepted");
    if (failures.length > 0) {
      console.error(`\nFAILED: ${failures.join("; ")}`);
      process.exitCode = 1;
    } else console.log("\npassed: no errors, every line delivered once and in order");
  } finally {
    cleanup();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
