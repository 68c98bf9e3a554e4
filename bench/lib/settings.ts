// The settings a benchmark ran with, printed before its figures: the database's durability as
// the server reports it (not as the benchmark meant it to be), and the engine's effective
// options. A figure without them cannot be compared with another.
import { type EngineOptions, resolveOptions } from "@/engine/options";
import type { Db, Provider } from "@/lib/db";

/**
 * `--pg-fsync-off`: a PostgreSQL cluster that never waits for the disk (the tests' settings, and
 * those of every PostgreSQL figure in bench/README.md before 2026-12-06). Without it benchmarks
 * run PostgreSQL's own defaults, as a server Batchdeck runs on has them.
 */
export const pgDurable = () => !process.argv.includes("--pg-fsync-off");

const SQLITE_SYNC = ["OFF", "NORMAL", "FULL", "EXTRA"];

/** One line: the database and how durable its commits are, read from the database itself. */
export async function databaseSettings(db: Db, provider: Provider): Promise<string> {
  if (provider === "sqlite") {
    const [journal] = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    const [sync] = await db.$queryRawUnsafe<{ synchronous: number | bigint }[]>("PRAGMA synchronous");
    const level = SQLITE_SYNC[Number(sync?.synchronous)] ?? String(sync?.synchronous);
    return `SQLite, journal_mode ${journal?.journal_mode}, synchronous ${level}`;
  }
  const show = async (name: string) =>
    (await db.$queryRawUnsafe<Record<string, string>[]>(`SHOW ${name}`))[0]?.[name] ?? "?";
  const [version, fsync, commit, pages] = await Promise.all(
    ["server_version", "fsync", "synchronous_commit", "full_page_writes"].map(show),
  );
  return `PostgreSQL ${version}, fsync ${fsync}, synchronous_commit ${commit}, full_page_writes ${pages}`;
}

/** One line: the engine's options as it resolves them (defaults, or what the benchmark set). */
export function engineSettings(options: Omit<EngineOptions, "db" | "provider">): string {
  const o = resolveOptions({ ...options, db: undefined as unknown as Db, provider: "sqlite" });
  const root = process.getuid?.() === 0;
  const user =
    o.runAsUser === undefined && root
      ? "each as a uid of its own, sealed"
      : o.runAsUser && root
        ? `as ${o.runAsUser}`
        : `as the engine's own user (${root ? "root" : "not root"})`;
  return [
    `poll ${o.pollMs} ms`,
    `log flush ${o.logFlushMs} ms, cap ${o.logCapBytes} bytes`,
    `lease renew ${o.leaseRenewMs} ms / TTL ${o.leaseTtlMs} ms`,
    `sampler ${o.sampleMs === 0 ? "off" : `${o.sampleMs} ms`}`,
    `jobs ${user}`,
  ].join(", ");
}
