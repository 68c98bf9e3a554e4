// Batchdeck's own files on the host are for the user running Batchdeck only: jobs run on the
// same host as other uids (engine/job-users.ts) and must not read the SQLite database, the
// secret key or the configuration. Applied at every start (scripts/prepare.ts, the engine),
// so an install made before this, or files created under a loose umask, are tightened too.
//
//   <dataDir>          0711  the owner's; others may pass through to work/ but not list it
//   <dataDir>/work     0711  each attempt's directory inside is 0700 and owned by its uid
//   everything else in <dataDir> (batchdeck.db, -wal, -shm, secret.key, …)  no group/other bits
//   the SQLite file named by DATABASE_URL (and its -wal/-shm/-journal), wherever it lives
//   .env files in the configuration directory (Next.js reads them from its working directory)
//   <configDir>/.next  0700  the console's production build: its server code and the key that
//                      seals server actions' closed-over values are the owner's alone
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { providerOf } from "@/lib/db/provider";
import { sqliteFilePath } from "@/lib/db/sqlite-path";

const TRAVERSE_ONLY = 0o711;
const ENV_FILE = /^\.env(\..+)?$/;

/** Sets `path` to `mode` if it differs; returns a line for the log when it changed something. */
function setMode(path: string, mode: number, changes: string[]) {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) return;
  const current = stat.mode & 0o7777;
  if (current === mode) return;
  chmodSync(path, mode);
  changes.push(`${path} ${current.toString(8)} → ${mode.toString(8)}`);
}

/** Clears group and other permissions, keeping the owner's. */
function ownerOnly(path: string, changes: string[]) {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    setMode(path, stat.mode & 0o700, changes);
  } catch {
    // not there
  }
}

export interface HostFiles {
  dataDir: string;
  databaseUrl?: string;
  /** Where .env files may be (the working directory of `npm start`). */
  configDir?: string;
}

/** Creates the data directory if needed and tightens what it finds; returns what it changed. */
export function protectHostFiles(o: HostFiles): string[] {
  const changes: string[] = [];
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: TRAVERSE_ONLY });
  setMode(dataDir, TRAVERSE_ONLY, changes);
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name);
    if (name === "work") setMode(path, TRAVERSE_ONLY, changes);
    else ownerOnly(path, changes);
  }
  if (o.databaseUrl && providerOf(o.databaseUrl) === "sqlite") {
    const file = sqliteFilePath(o.databaseUrl);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) {
      if (existsSync(file + suffix)) ownerOnly(file + suffix, changes);
    }
  }
  if (o.configDir) {
    let names: string[] = [];
    try {
      names = readdirSync(o.configDir);
    } catch {
      // no such directory
    }
    for (const name of names) if (ENV_FILE.test(name)) ownerOnly(join(o.configDir, name), changes);
    // The directory alone: without its x bit for others nothing inside can be reached, and the
    // build's thousands of files need not be walked at every start.
    ownerOnly(join(o.configDir, ".next"), changes);
  }
  return changes;
}
