// The live tails of one web server, read together. Every open log stream on the built-in
// backend that has caught up with its attempt subscribes here, and one loop per server reads
// for all of them every POLL_MS: the attempts of their jobs (one query), then the chunks after
// each stream's cursor (one query per GROUPS_PER_QUERY attempts followed), and every
// RECHECK_MS whether each viewer is still signed in and a member (two queries). Before, each
// stream ran those reads itself, three to five queries four times a second per viewer; with
// 200 viewers the web server spent a core on Prisma alone and pages went unanswered.
//
// Order and completeness are getLogEvents' (get-log-events.ts): chunks are read in id order,
// and ids grow in commit order within an attempt, so "after id N" never skips one. Attempts are
// read before chunks: an attempt's last chunks are committed with its stoppedAt, so an attempt
// seen stopped has all its chunks visible to the read that follows.
import { Prisma } from "@/generated/sqlite/client";
import { type OrgContext, stillAllowedMany } from "@/lib/auth/context";
import type { Permission } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { logger } from "@/lib/log";
import { chunkEvents, type JobLogEvent, type LogChunkRead } from "./get-log-events";

export const POLL_MS = 250;
export const RECHECK_MS = 2_000;
/** Attempts per chunk query (three bound parameters each). */
const GROUPS_PER_QUERY = 200;
/**
 * Chunks per query; a tick reads on while a query comes back full. The engine closes each
 * flowing stream's chunk every flush (200 ms), so 200 logging jobs make about 1,000 chunks a
 * second; at 256 per query PostgreSQL's slower queries fell behind (bench/README.md).
 */
const ROWS_PER_QUERY = 1024;

/** A LogChunk row as raw SQL returns it: integers as number or bigint, depending on the database. */
interface RawChunk {
  id: number | bigint;
  jobId: string;
  attempt: number | bigint;
  stream: string;
  timestamp: number | bigint | string;
  data: string;
}

export interface HubBatch {
  events: JobLogEvent[];
  /** The forward token after these events (the last chunk id read). */
  token: string;
  /** The job's attempt numbers, oldest first. */
  attempts: number[];
  /** The attempt is over and every line of it has been delivered. */
  complete: boolean;
}

export type HubCloseReason = "denied" | "gone" | "failed";

export interface HubSubscription {
  ctx: OrgContext;
  permission: Permission;
  jobId: string;
  attempt: number;
  /** The last chunk id the viewer holds. */
  after: number;
  /** New lines, changed attempts or the end. */
  onBatch(batch: HubBatch): void;
  /** The viewer lost access, the job is gone, or reading failed: the stream should close. */
  onClose(reason: HubCloseReason): void;
}

interface Entry extends HubSubscription {
  lastAttempts: string;
  closed: boolean;
}

export class LogHub {
  private readonly subs = new Set<Entry>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private lastCheck = Date.now();
  private roundsDone = 0;
  private rechecksDone = 0;

  constructor(private readonly db: Db) {}

  get size(): number {
    return this.subs.size;
  }

  /** Rounds read and access rechecks done so far: what the hub's queries are counted against. */
  get stats(): { rounds: number; rechecks: number } {
    return { rounds: this.roundsDone, rechecks: this.rechecksDone };
  }

  /** Follows an attempt from `after` until unsubscribed or closed; returns the unsubscribe. */
  subscribe(sub: HubSubscription): () => void {
    const entry: Entry = { ...sub, lastAttempts: "", closed: false };
    this.subs.add(entry);
    this.schedule();
    return () => {
      entry.closed = true;
      this.subs.delete(entry);
    };
  }

  private schedule(delay = POLL_MS) {
    if (this.timer || this.running || this.subs.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delay);
  }

  private close(entry: Entry, reason: HubCloseReason) {
    if (entry.closed) return;
    entry.closed = true;
    this.subs.delete(entry);
    entry.onClose(reason);
  }

  private async tick() {
    this.running = true;
    let again = false;
    try {
      if (Date.now() - this.lastCheck >= RECHECK_MS) {
        this.lastCheck = Date.now();
        await this.recheck();
      }
      again = await this.read();
      this.roundsDone++;
    } catch (error) {
      logger().error("reading the live logs failed", { component: "web", streams: this.subs.size, error });
      for (const entry of [...this.subs]) this.close(entry, "failed");
    } finally {
      this.running = false;
      this.schedule(again ? 0 : POLL_MS);
    }
  }

  private async recheck() {
    this.rechecksDone++;
    const entries = [...this.subs];
    const allowed = await stillAllowedMany(this.db, entries);
    entries.forEach((entry, i) => {
      if (!allowed[i]) this.close(entry, "denied");
    });
  }

  /**
   * Up to ROWS_PER_QUERY + 1 chunks after each group's cursor, in id order, in one statement.
   * Raw SQL: Prisma's builder compiled this OR of up to 200 terms afresh every round, and that
   * cost more than running it. The shape is the one SQLite answers with a multi-index OR over
   * the (jobId, attempt, id) index (bench/README.md: never ANALYZE without checking it).
   */
  private async tails(part: readonly { jobId: string; attempt: number; after: number }[]) {
    const terms = part.map(
      (g) => Prisma.sql`("jobId" = ${g.jobId} AND "attempt" = ${g.attempt} AND "id" > ${g.after})`,
    );
    const rows = await this.db.$queryRaw<RawChunk[]>`
      SELECT "id", "jobId", "attempt", "stream", "timestamp", "data" FROM "LogChunk"
      WHERE ${Prisma.join(terms, " OR ")}
      ORDER BY "id" ASC LIMIT ${ROWS_PER_QUERY + 1}`;
    return rows.map((r) => ({
      id: Number(r.id),
      jobId: r.jobId,
      attempt: Number(r.attempt),
      stream: r.stream,
      timestamp: BigInt(r.timestamp),
      data: r.data,
    }));
  }

  /** One round for every subscriber; true if a query came back full (more to read now). */
  private async read(): Promise<boolean> {
    const entries = [...this.subs];
    if (entries.length === 0) return false;
    const jobIds = [...new Set(entries.map((e) => e.jobId))];
    const attemptRows = [];
    for (let i = 0; i < jobIds.length; i += 500) {
      const rows = await this.db.$queryRaw<{ jobId: string; attemptNumber: number | bigint; stoppedAt: unknown }[]>`
        SELECT "jobId", "attemptNumber", "stoppedAt" FROM "JobAttempt"
        WHERE "jobId" IN (${Prisma.join(jobIds.slice(i, i + 500))})`;
      for (const r of rows) {
        attemptRows.push({ jobId: r.jobId, attemptNumber: Number(r.attemptNumber), stoppedAt: r.stoppedAt ?? null });
      }
    }
    const attemptsOf = new Map<string, { numbers: number[]; stopped: Set<number> }>();
    for (const a of attemptRows) {
      const entry = attemptsOf.get(a.jobId) ?? { numbers: [], stopped: new Set<number>() };
      entry.numbers.push(a.attemptNumber);
      if (a.stoppedAt !== null) entry.stopped.add(a.attemptNumber);
      attemptsOf.set(a.jobId, entry);
    }

    // One cursor per attempt followed: the smallest of its viewers'.
    const groups = new Map<string, { jobId: string; attempt: number; after: number; entries: Entry[] }>();
    for (const entry of entries) {
      if (!attemptsOf.get(entry.jobId)?.numbers.includes(entry.attempt)) {
        this.close(entry, "gone"); // the job or the attempt was removed (retention)
        continue;
      }
      const key = `${entry.jobId} ${entry.attempt}`;
      const group = groups.get(key) ?? { jobId: entry.jobId, attempt: entry.attempt, after: entry.after, entries: [] };
      group.after = Math.min(group.after, entry.after);
      group.entries.push(entry);
      groups.set(key, group);
    }

    const all = [...groups.values()];
    let full = false;
    for (let i = 0; i < all.length; i += GROUPS_PER_QUERY) {
      const part = all.slice(i, i + GROUPS_PER_QUERY);
      const rows = await this.tails(part);
      // A full answer is a prefix in id order of what there is: nobody in this part is known to
      // be caught up, and the next round comes at once.
      const partFull = rows.length > ROWS_PER_QUERY;
      if (partFull) rows.length = ROWS_PER_QUERY;
      full ||= partFull;
      const byGroup = new Map<string, (LogChunkRead & { jobId: string })[]>();
      for (const row of rows) {
        const key = `${row.jobId} ${row.attempt}`;
        const list = byGroup.get(key) ?? [];
        list.push(row);
        byGroup.set(key, list);
      }
      for (const group of part) {
        const info = attemptsOf.get(group.jobId)!;
        const attempts = [...info.numbers].sort((a, b) => a - b);
        const groupRows = byGroup.get(`${group.jobId} ${group.attempt}`) ?? [];
        for (const entry of group.entries) {
          if (entry.closed) continue;
          const mine = groupRows.filter((r) => r.id > entry.after);
          const meta = attempts.join(",");
          const complete = info.stopped.has(group.attempt) && !partFull;
          if (mine.length === 0 && meta === entry.lastAttempts && !complete) continue;
          entry.lastAttempts = meta;
          if (mine.length > 0) entry.after = mine[mine.length - 1]!.id;
          const batch: HubBatch = { events: chunkEvents(mine), token: String(entry.after), attempts, complete };
          if (complete) {
            entry.closed = true;
            this.subs.delete(entry);
          }
          entry.onBatch(batch);
        }
      }
    }
    return full;
  }
}

const hubs = new WeakMap<Db, LogHub>();

/** The hub of this server's database client. */
export function logHub(db: Db): LogHub {
  let hub = hubs.get(db);
  if (!hub) {
    hub = new LogHub(db);
    hubs.set(db, hub);
  }
  return hub;
}
