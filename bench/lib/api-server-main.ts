// The /v1 handlers served over HTTP from their own process, for bench/api-submit.ts: the same
// handler functions the Next route files call, on a real database, so the benchmark's clients
// and the server do not share one event loop. Prints "READY <port>" once listening (on
// API_PORT if set, else any free port).
import { createDb } from "@/lib/db";
import { startApiServer } from "@/tests/helpers/api-server";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const db = createDb(url);
const server = await startApiServer({ db }, Number(process.env.API_PORT ?? 0));
console.log(`READY ${new URL(server.endpoint).port}`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
