// GET /api/metrics: the operator's view in Prometheus' text exposition format 0.0.4.
//
// Totals for the whole install, no per-organization or per-queue labels: queue names are tenant
// data, and a label per organization would grow without bound on a hosted install. Nothing
// here names a user, an email or a secret; the only label values are job statuses and the
// leader's engine id (host name, pid, random suffix).
//
//   batchdeck_jobs{status}                        gauge, jobs in each status (finished: ≤ 60 s old)
//   batchdeck_scheduling_latency_seconds          histogram, RUNNABLE → claimed (STARTING)
//   batchdeck_scheduling_pass_duration_seconds    histogram, the engine's loop time per pass
//   batchdeck_jobs_started_total                  counter
//   batchdeck_log_bytes_total, _log_chunks_total  counters, STDOUT/STDERR stored
//   batchdeck_engine_up, _engine_leader{engine_id}, _engine_heartbeat_age_seconds,
//   batchdeck_engine_start_time_seconds           gauges
//
// The engine's counters and histograms are the leader's since it started (engine/stats.ts,
// published with its heartbeat); a new leader starts them again at zero, which Prometheus
// reads as a counter reset.
import { createHash, timingSafeEqual } from "node:crypto";
import { ACTIVE_STATUSES, JOB_STATUSES, TERMINAL_STATUSES } from "@/lib/batch/states";
import type { Db } from "@/lib/db";
import { ENGINE_STALE_MS } from "@/lib/health";
import { logger } from "@/lib/log";
import { type EngineStatsSnapshot, type HistogramSnapshot, parseEngineStats } from "./engine-stats";

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;
interface Family {
  name: string;
  help: string;
  type: "gauge" | "counter" | "histogram";
  samples: { suffix?: string; labels?: Labels; value: number }[];
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

export function renderExposition(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
      lines.push(`${f.name}${s.suffix ?? ""}${text} ${formatValue(s.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function histogram(name: string, help: string, h: HistogramSnapshot): Family {
  return {
    name,
    help,
    type: "histogram",
    samples: [
      ...h.buckets.map((le, i) => ({ suffix: "_bucket", labels: { le: formatValue(le) }, value: h.counts[i]! })),
      { suffix: "_bucket", labels: { le: "+Inf" }, value: h.count },
      { suffix: "_sum", value: h.sum },
      { suffix: "_count", value: h.count },
    ],
  };
}

const EMPTY_HISTOGRAM = (buckets: number[]): HistogramSnapshot => ({
  buckets,
  counts: buckets.map(() => 0),
  sum: 0,
  count: 0,
});

const countByStatus = async (db: Db, statuses: readonly string[]) =>
  (await db.job.groupBy({ by: ["status"], where: { status: { in: [...statuses] } }, _count: { _all: true } })).map(
    (r) => [r.status, r._count._all] as const,
  );

/**
 * Finished jobs are most of a large table, and counting them reads every one of their index
 * entries (about a second at a million on SQLite): that count is shared for FINISHED_TTL_MS per
 * web server and refreshed in the background, while jobs waiting and running are counted on
 * every scrape (an index range each, as large as the backlog).
 */
export const FINISHED_TTL_MS = 60_000;
const finishedCache = new WeakMap<Db, { at: number; counts: (readonly [string, number])[]; refreshing: boolean }>();

async function finishedCounts(db: Db, now: number) {
  const cached = finishedCache.get(db);
  if (!cached) {
    const counts = await countByStatus(db, TERMINAL_STATUSES);
    finishedCache.set(db, { at: now, counts, refreshing: false });
    return counts;
  }
  if (now - cached.at > FINISHED_TTL_MS && !cached.refreshing) {
    cached.refreshing = true;
    countByStatus(db, TERMINAL_STATUSES)
      .then((counts) => finishedCache.set(db, { at: Date.now(), counts, refreshing: false }))
      .catch((error) => {
        cached.refreshing = false;
        logger().error("counting finished jobs failed", { component: "web", error });
      });
  }
  return cached.counts;
}

/** Reads the figures: grouped counts over Job's (status, …) index, and the leader row. */
export async function collectMetrics(db: Db, now = Date.now()): Promise<Family[]> {
  const [active, finished, lease] = await Promise.all([
    countByStatus(db, ACTIVE_STATUSES),
    finishedCounts(db, now),
    db.engineLease.findUnique({
      where: { name: "leader" },
      select: { holder: true, heartbeatAt: true, stats: true },
    }),
  ]);
  const counts = new Map([...active, ...finished]);
  const stats: EngineStatsSnapshot | null = lease ? parseEngineStats(lease.stats) : null;
  const age = lease ? Math.max(0, now - Number(lease.heartbeatAt)) / 1000 : null;
  const up = age !== null && age * 1000 <= ENGINE_STALE_MS ? 1 : 0;
  const families: Family[] = [
    {
      name: "batchdeck_jobs",
      help: `Jobs stored, by status (SUCCEEDED and FAILED counted at most ${FINISHED_TTL_MS / 1000} s ago).`,
      type: "gauge",
      samples: JOB_STATUSES.map((status) => ({ labels: { status }, value: counts.get(status) ?? 0 })),
    },
    histogram(
      "batchdeck_scheduling_latency_seconds",
      "Time from RUNNABLE to claimed by the engine (STARTING), per job, since the leader started.",
      stats?.schedulingLatencySeconds ?? EMPTY_HISTOGRAM([]),
    ),
    histogram(
      "batchdeck_scheduling_pass_duration_seconds",
      "Duration of one scheduling pass of the engine's loop, since the leader started.",
      stats?.passDurationSeconds ?? EMPTY_HISTOGRAM([]),
    ),
    {
      name: "batchdeck_jobs_started_total",
      help: "Job attempts the leader has claimed and started, since it started.",
      type: "counter",
      samples: [{ value: stats?.jobsStarted ?? 0 }],
    },
    {
      name: "batchdeck_engine_wakeups_total",
      help: "Wake-ups of the leader's scheduling loop, since it started: external (a submission, a terminate request, a queue or environment change) or internal (an attempt ended).",
      type: "counter",
      samples: [
        { labels: { source: "external" }, value: stats?.wakeups?.external ?? 0 },
        { labels: { source: "internal" }, value: stats?.wakeups?.internal ?? 0 },
      ],
    },
    {
      name: "batchdeck_log_bytes_total",
      help: "Bytes of job STDOUT and STDERR the leader has stored, since it started.",
      type: "counter",
      samples: [{ value: stats?.logBytes ?? 0 }],
    },
    {
      name: "batchdeck_log_chunks_total",
      help: "Log chunks the leader has stored, since it started.",
      type: "counter",
      samples: [{ value: stats?.logChunks ?? 0 }],
    },
    {
      name: "batchdeck_engine_up",
      help: `1 when an engine leads and its heartbeat is at most ${ENGINE_STALE_MS / 1000} s old.`,
      type: "gauge",
      samples: [{ value: up }],
    },
    {
      name: "batchdeck_engine_leader",
      help: "1 for the engine holding leadership (by engine id).",
      type: "gauge",
      samples: lease ? [{ labels: { engine_id: lease.holder }, value: 1 }] : [],
    },
    {
      name: "batchdeck_engine_heartbeat_age_seconds",
      help: "Seconds since the leader's last heartbeat (absent when no engine has ever led).",
      type: "gauge",
      samples: age === null ? [] : [{ value: age }],
    },
    {
      name: "batchdeck_engine_start_time_seconds",
      help: "When the leading engine process started, in seconds since the epoch.",
      type: "gauge",
      samples: stats ? [{ value: stats.startedAt / 1000 }] : [],
    },
  ];
  return families;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Constant-time: both sides are hashed to 32 bytes, so neither length nor content leaks. */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function plain(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** The handler of GET /api/metrics, with its database and configured token passed in. */
export async function serveMetrics(req: Request, db: Db, token: string | undefined): Promise<Response> {
  // Unconfigured: the endpoint does not exist, as far as anyone can tell.
  if (!token) return plain(404, "Not Found\n");
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer (.+)$/i.exec(header.trim());
  if (!match || !tokenMatches(match[1]!, token)) {
    return plain(401, "Unauthorized\n", { "www-authenticate": 'Bearer realm="batchdeck metrics"' });
  }
  const families = await collectMetrics(db);
  return new Response(renderExposition(families), {
    status: 200,
    headers: { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" },
  });
}
