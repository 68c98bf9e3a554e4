// Group commit for small writes such as SubmitJob. Each Prisma statement costs about half a
// millisecond and each commit more, so one transaction per request tops out near 150
// submissions a second on SQLite; the target is 1,000. Requests that arrive while a batch is
// being written wait for the next one and are written together in one transaction; a lone
// request goes at once, so an idle system adds no latency.
//
// A request refused with an AppError is refused alone: the work function does all of its
// checks before its first write, so it leaves nothing in the shared transaction. Any other
// error rolls the whole batch back, and each request is then retried in a transaction of its
// own, so one request can never fail another.
//
// A batch runs in a direct transaction (lib/db/direct.ts: raw SQL without Prisma's client) unless
// one of its requests needs Prisma's model API, when it runs in a Prisma transaction.
import type { Db } from "@/lib/db";
import { directTransaction, type RawSql } from "@/lib/db/direct";
import { writeTransaction } from "@/lib/db/write-transaction";
import { AppError } from "@/lib/errors";

/** The work of one batch, inside a write transaction (lib/db/write-transaction.ts). */
export interface BatchWork<I, R, S> {
  /** Per-transaction state shared by the items of one batch (lookup caches). */
  newState(): S;
  /**
   * Runs first in each batch's transaction, with all of its items (locks every item's work
   * will need, taken together in one order). Optional; a failure rolls the batch back.
   */
  prepare?(tx: RawSql, items: I[], state: S): Promise<void>;
  /** `tx` is a Prisma transaction when `needsPrisma` said so for an item of the batch. */
  run(tx: RawSql, item: I, state: S, now: number): Promise<R>;
  /** Writes the batch deferred to its end; a failure here rolls the whole batch back. */
  finish(tx: RawSql, state: S): Promise<void>;
  /** Whether an item's work uses Prisma's model API, not raw SQL only. */
  needsPrisma(item: I): boolean;
}

interface Pending<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

type Outcome<R> = { ok: true; value: R } | { ok: false; error: AppError };

export const MAX_BATCH = 200;

export class TransactionBatcher<I, R, S> {
  private waiting: Pending<I, R>[] = [];
  private running = 0;

  constructor(
    private readonly db: Db,
    private readonly work: BatchWork<I, R, S>,
    /** Batches written at once (SQLite has one writer anyway). */
    private readonly concurrency: number,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        this.kick();
      });
    }
  }

  private async write(batch: Pending<I, R>[]): Promise<void> {
    let outcomes: Outcome<R>[];
    try {
      outcomes = await this.transaction(batch.map((p) => p.item));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // Nothing of the batch was written; find out alone which request it was.
      await Promise.all(batch.map((p) => this.alone(p)));
      return;
    }
    outcomes.forEach((o, i) => {
      const p = batch[i];
      if (!p) return;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }

  private async alone(p: Pending<I, R>): Promise<void> {
    try {
      const [o] = await this.transaction([p.item]);
      if (o?.ok) p.resolve(o.value);
      else p.reject(o?.error);
    } catch (error) {
      p.reject(error);
    }
  }

  private transaction(items: I[]): Promise<Outcome<R>[]> {
    const work = (tx: RawSql) => this.items(tx, items);
    return items.some((item) => this.work.needsPrisma(item))
      ? writeTransaction(this.db, { timeout: 30_000, maxWait: 30_000 }, work)
      : directTransaction(this.db, work);
  }

  private async items(tx: RawSql, items: I[]): Promise<Outcome<R>[]> {
    if (items.length === 0) return [];
    const state = this.work.newState();
    if (this.work.prepare) await this.work.prepare(tx, items, state);
    const now = Date.now();
    const out: Outcome<R>[] = [];
    for (const item of items) {
      try {
        out.push({ ok: true, value: await this.work.run(tx, item, state, now) });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        out.push({ ok: false, error });
      }
    }
    await this.work.finish(tx, state);
    return out;
  }
}
