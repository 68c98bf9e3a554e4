// Which database a URL or a client talks to. Everything that behaves differently on SQLite and
// PostgreSQL asks here, so there is one answer for a DATABASE_URL and for the client made from it.
export type Provider = "sqlite" | "postgresql";

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * Clients made by createDb (lib/db/index.ts), with the provider each was made for. Kept on
 * globalThis: Next.js bundles this module into several chunks, each with its own module state,
 * while the process shares one client (lib/db/index.ts db()).
 */
const registry = globalThis as unknown as { batchdeckProviders?: WeakMap<object, Provider> };
registry.batchdeckProviders ??= new WeakMap<object, Provider>();
const clients = registry.batchdeckProviders;

/** Called by createDb for every client it makes. */
export function rememberProvider<T extends object>(client: T, provider: Provider): T {
  clients.set(client, provider);
  return client;
}

/**
 * The provider of a DATABASE_URL, or of a client made by createDb. A transaction client is not
 * one: ask about the client the transaction was opened on.
 */
export function providerOf(source: string | object): Provider {
  if (typeof source === "string") return POSTGRES_URL.test(source) ? "postgresql" : "sqlite";
  const provider = clients.get(source);
  if (!provider) throw new Error("providerOf: not a database client made by createDb (lib/db/index.ts)");
  return provider;
}
