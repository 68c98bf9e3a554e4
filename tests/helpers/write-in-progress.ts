// Seeing, from outside, that another process is writing rows it has not committed yet: what a
// crash test needs to know its kill landed mid-write rather than before or after.
//
// - PostgreSQL: a backend in an open transaction whose current (or last) statement inserts
//   into the table (pg_stat_activity).
// - SQLite (WAL): pages written to the WAL file past the last committed frame, in the WAL's
//   current generation. A transaction larger than SQLite's page cache spills its dirty pages
//   there before it commits; the committed frame count (mxFrame) is in the WAL index (-shm).
import { closeSync, openSync, readSync } from "node:fs";
import type { Db } from "@/lib/db";
import { sqliteFilePath } from "@/lib/db/sqlite-path";

function read(path: string, position: number, length: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(length);
    return readSync(fd, buf, 0, length, position) === length ? buf : null;
  } finally {
    closeSync(fd);
  }
}

/** Where the WAL stands: its generation (salts), its last committed frame, and the frame after it. */
function walState(url: string): { generation: string; committed: number; next: string | null } | null {
  const file = sqliteFilePath(url);
  const walHeader = read(`${file}-wal`, 0, 32);
  // The WAL index header: mxFrame (the last committed frame) at byte 16, native byte order.
  const indexHeader = read(`${file}-shm`, 0, 48);
  if (!walHeader || !indexHeader) return null;
  const pageSize = walHeader.readUInt32BE(8);
  const salts = walHeader.subarray(16, 24);
  const committed = indexHeader.readUInt32LE(16);
  const frame = read(`${file}-wal`, 32 + committed * (24 + pageSize), 24);
  // A frame of an earlier generation carries other salts (its bytes 8-15): not a write at all.
  const next = frame?.subarray(8, 16).equals(salts) ? frame.toString("hex") : null;
  return { generation: salts.toString("hex"), committed, next };
}

/**
 * A probe, started before the write it is to see: true while another connection has written
 * rows it has not committed. On SQLite, a frame written past the last commit since the probe
 * started, with no commit in between (a transaction rolled back by a crash leaves its spilled
 * frames behind until the next overwrites them; any table; a commit in between makes the probe
 * see nothing, never a write that is not there). On PostgreSQL, a backend inserting
 * into `table` in an open transaction.
 */
export function writeInProgress(
  db: Db,
  provider: "sqlite" | "postgresql",
  url: string,
  table: string,
): () => Promise<boolean> {
  if (provider === "sqlite") {
    const before = walState(url);
    return async () => {
      const now = walState(url);
      if (!now?.next) return false;
      // A writer that restarted the WAL (after a checkpoint) starts a generation at frame 0:
      // every frame of it past the last commit is new.
      if (now.generation !== before?.generation) return now.committed === 0;
      return now.committed === before.committed && now.next !== before.next;
    };
  }
  return async () => {
    const rows = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
        AND query LIKE ${`%INSERT INTO "${table}"%`}`;
    return (rows[0]?.n ?? 0) > 0;
  };
}
