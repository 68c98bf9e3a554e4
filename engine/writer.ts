// The engine's one path to the database for hot writes: attempts started, log chunks, attempts
// ended. Events queue up while a transaction is in flight and go together in the next one, so
// the write rate follows the load instead of costing one commit per event. Log chunks of
// running jobs are taken every logFlushMs so a line shows up in the console within about that.
// An attempt's log files (log-files.ts) are removed only once its last chunks are committed.
// Each flush is one direct transaction (lib/db/direct.ts): raw statements without Prisma's
// client, which cost more CPU than the statements themselves (bench/direct-sql.ts).
import { Prisma } from "@/generated/sqlite/client";
import type { Db } from "@/lib/db";
import { directTransaction, type RawSql } from "@/lib/db/direct";
import type { EngineLog } from "@/lib/log";
import type { AttemptCapture } from "./attempt";
import type { LogChunkRow } from "./log-capture";
import { type AttemptOutcome, applyOutcomes, applyStarted, type StartedAttempt } from "./outcomes";
import type { EngineStats } from "./stats";

/** Log chunks per INSERT: 7 bound parameters each. */
const LOG_ROWS_PER_STATEMENT = 100;
const MAX_FAILURES = 20;

export class Writer {
  private started: StartedAttempt[] = [];
  private ended: AttemptOutcome[] = [];
  private logs: LogChunkRow[] = [];
  /** Captures whose last chunks are queued: their files go once those are committed. */
  private finished: AttemptCapture[] = [];
  private readonly captures = new Set<AttemptCapture>();
  private flushing: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly db: Db,
    private readonly engineId: string,
    private readonly logFlushMs: number,
    private readonly log: EngineLog,
    private readonly stats?: EngineStats,
    /** Called after a commit that recorded attempts ending. */
    private readonly onEnded: () => void = () => {},
  ) {
    this.tick();
  }

  private tick() {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      if (this.captures.size > 0) this.flushSoon();
      this.tick();
    }, this.logFlushMs);
    this.timer.unref?.();
  }

  watch(capture: AttemptCapture) {
    this.captures.add(capture);
  }

  start(s: StartedAttempt) {
    this.started.push(s);
    this.flushSoon();
  }

  /** The capture has ended: its last chunks go in the same transaction as the outcome. */
  end(outcome: AttemptOutcome, capture: AttemptCapture | null) {
    if (capture) {
      this.logs.push(...capture.take());
      this.captures.delete(capture);
      this.finished.push(capture);
    }
    this.ended.push(outcome);
    this.flushSoon();
  }

  get pending(): number {
    return this.started.length + this.ended.length + this.logs.length;
  }

  flushSoon(): void {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = null;
        if (this.again && !this.stopped) {
          this.again = false;
          if (this.pending > 0 || this.captures.size > 0) this.flushSoon();
        }
      });
  }

  private async flush() {
    for (const c of this.captures) this.logs.push(...c.take());
    const started = this.started.splice(0);
    const ended = this.ended.splice(0);
    const logs = this.logs.splice(0);
    const finished = this.finished.splice(0);
    if (started.length + ended.length + logs.length === 0) {
      for (const c of finished) c.dispose();
      return;
    }
    try {
      await directTransaction(this.db, async (tx) => {
        const now = Date.now();
        await applyStarted(tx, this.engineId, started, now);
        for (let i = 0; i < logs.length; i += LOG_ROWS_PER_STATEMENT) {
          await insertLogChunks(tx, logs.slice(i, i + LOG_ROWS_PER_STATEMENT));
        }
        await applyOutcomes(tx, this.engineId, ended, now);
      });
      this.failures = 0;
      if (ended.length > 0) this.onEnded();
      for (const c of finished) c.dispose();
      if (this.stats) {
        this.stats.logChunks += logs.length;
        for (const l of logs) this.stats.logBytes += Buffer.byteLength(l.data, "utf8");
      }
    } catch (error) {
      this.failures++;
      this.log("write failed", { level: "warn", failures: this.failures, error });
      // State changes are kept until they are written, whatever it takes: dropping one would
      // leave a job RUNNING with no process. Log chunks are given up after MAX_FAILURES, in
      // case one of them is what the database refuses.
      this.started.unshift(...started);
      this.ended.unshift(...ended);
      this.finished.unshift(...finished);
      if (this.failures <= MAX_FAILURES) this.logs.unshift(...logs);
      else
        this.log("dropping log chunks after repeated write failures", {
          level: "error",
          chunks: logs.length,
          failures: MAX_FAILURES,
        });
      await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** this.failures)));
      this.again = true;
    }
  }

  /** Waits until everything queued so far is written. */
  async drain(): Promise<void> {
    for (let i = 0; i < 1_000 && (this.flushing || this.pending > 0); i++) {
      if (!this.flushing) this.flushSoon();
      await this.flushing;
    }
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

function insertLogChunks(tx: RawSql, rows: LogChunkRow[]): Promise<number> {
  const values = rows.map(
    (r) => Prisma.sql`(${r.jobId}, ${r.attempt}, ${r.stream}, ${r.seq}, ${r.timestamp}, ${r.data}, ${r.fileOffset})`,
  );
  return tx.$executeRaw`
    INSERT INTO "LogChunk" ("jobId", "attempt", "stream", "seq", "timestamp", "data", "fileOffset")
    VALUES ${Prisma.join(values)}`;
}
