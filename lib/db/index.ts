// One Prisma client per process. SQLite (the default) and PostgreSQL need separately generated
// clients because Prisma ties a client to one provider; both expose the same model API, so the
// rest of the code sees one type, `Db`.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient as PostgresClient } from "@/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "@/generated/sqlite/client";
import { env } from "@/lib/env";
import { rememberDirectTarget } from "./direct";
import { rememberWakeTarget } from "./engine-wake";
import { providerOf, rememberProvider } from "./provider";
import { BatchdeckSqlite } from "./sqlite-adapter";
import { sqliteFilePath } from "./sqlite-path";

export { type Provider, providerOf } from "./provider";

export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
/** Either the client or an open transaction: every domain function accepts both. */
export type DbOrTx = Db | Tx;

export function createDb(url: string): Db {
  const provider = providerOf(url);
  if (provider === "postgresql") {
    // One pool for Prisma's adapter and for lib/db/direct.ts; $disconnect ends it.
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const adapter = new PrismaPg(pool, { disposeExternalPool: true });
    const client = rememberProvider(new PostgresClient({ adapter }) as unknown as Db, provider);
    rememberWakeTarget(client, provider);
    rememberDirectTarget(client, { provider, pool });
    return client;
  }
  const file = sqliteFilePath(url);
  const factory = new BatchdeckSqlite(file);
  const client = rememberProvider(new SqliteClient({ adapter: factory }), provider);
  rememberWakeTarget(client, provider, file);
  rememberDirectTarget(client, {
    provider,
    connections: () => {
      const adapter = factory.shared();
      return { outside: adapter.outside, inside: adapter.inside, turn: () => adapter.turn() };
    },
  });
  return client;
}

const globalForDb = globalThis as unknown as { batchdeckDb?: Db };

/** The process-wide client for the configured DATABASE_URL. */
export function db(): Db {
  globalForDb.batchdeckDb ??= createDb(env().DATABASE_URL);
  return globalForDb.batchdeckDb;
}
