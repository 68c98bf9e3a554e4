// The one logger of the web server and the engine. Each entry is one line:
//
//   json: {"time":"2026-12-01T09:30:00.000Z","level":"info","msg":"...", ...fields}
//   text: 2026-12-01T09:30:00.000Z INFO  [engine] ... key=value
//
// BATCHDECK_LOG_FORMAT chooses; unset, JSON is written when NODE_ENV=production or stdout is not
// a terminal (a log collector), text when a person is watching a terminal. debug and info go to
// stdout, warn and error to stderr. Fields whose names say they hold a secret are replaced, and
// the configured secrets are cut out of every string (lib/scrub.ts), so no caller can leak one.
import { configuredSecrets, isSecretField, REDACTED, scrub } from "./scrub";

export const LEVELS = ["debug", "info", "warn", "error"] as const;
export type Level = (typeof LEVELS)[number];
export type LogFormat = "json" | "text";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  write(level: Level, msg: string, fields?: LogFields): void;
  /** A logger whose entries all carry these fields (e.g. component: "engine"). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  format?: LogFormat;
  /** Lowest level written; default BATCHDECK_LOG_LEVEL or info. */
  level?: Level;
  out?: (line: string) => void;
  err?: (line: string) => void;
  now?: () => Date;
  secrets?: () => readonly string[];
}

export function resolveLogFormat(
  source: Record<string, string | undefined> = process.env,
  isTty: boolean = Boolean(process.stdout.isTTY),
): LogFormat {
  const chosen = source.BATCHDECK_LOG_FORMAT;
  if (chosen === "json" || chosen === "text") return chosen;
  return source.NODE_ENV === "production" || !isTty ? "json" : "text";
}

function resolveLevel(source: Record<string, string | undefined> = process.env): Level {
  const chosen = source.BATCHDECK_LOG_LEVEL as Level | undefined;
  return chosen && LEVELS.includes(chosen) ? chosen : "info";
}

const MAX_DEPTH = 6;

/** Errors become {name, message, stack}; secrets go; BigInts become numbers; cycles are cut. */
function clean(value: unknown, secrets: readonly string[], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrub(value, secrets);
  if (typeof value === "bigint") return Number(value);
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (seen.has(value) || depth >= MAX_DEPTH) return "[…]";
  seen.add(value);
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: scrub(value.message, secrets) };
    if (value.stack) out.stack = scrub(value.stack, secrets);
    const code = (value as { code?: unknown }).code;
    if (typeof code === "string" || typeof code === "number") out.code = code;
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => clean(v, secrets, depth + 1, seen));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretField(k) && v !== undefined && v !== null ? REDACTED : clean(v, secrets, depth + 1, seen);
  }
  return out;
}

function textValue(v: unknown): string {
  if (typeof v === "string") return /\s|=|"/.test(v) ? JSON.stringify(v) : v;
  if (v && typeof v === "object" && "message" in v && "name" in v)
    return JSON.stringify((v as { message: unknown }).message);
  return JSON.stringify(v);
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const format = options.format ?? resolveLogFormat();
  const min = LEVELS.indexOf(options.level ?? resolveLevel());
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const secrets = options.secrets ?? (() => configuredSecrets());

  function write(level: Level, msg: string, fields: LogFields = {}) {
    if (LEVELS.indexOf(level) < min) return;
    const known = secrets();
    const extra = clean({ ...bound, ...fields }, known) as LogFields;
    // The three required keys come first and cannot be overwritten by a field of that name.
    const { time: _t, level: _l, msg: _m, ...rest } = extra;
    const time = now().toISOString();
    const text = scrub(msg, known);
    let line: string;
    if (format === "json") {
      line = JSON.stringify({ time, level, msg: text, ...rest });
    } else {
      const { component, ...others } = rest;
      const pairs = Object.entries(others)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${textValue(v)}`);
      line = [time, level.toUpperCase().padEnd(5), component ? `[${String(component)}]` : "", text, ...pairs]
        .filter(Boolean)
        .join(" ");
    }
    (level === "warn" || level === "error" ? err : out)(line);
  }

  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    write,
    child: (fields) => createLogger({ ...options, format, level: LEVELS[min] }, { ...bound, ...fields }),
  };
}

let shared: Logger | undefined;

/** The process's logger, created on first use. */
export function logger(): Logger {
  shared ??= createLogger();
  return shared;
}

/** The engine's log function: a message and fields, with an optional level among them. */
export type EngineLog = (message: string, fields?: LogFields & { level?: Level }) => void;

export function engineLog(base: Logger = logger().child({ component: "engine" })): EngineLog {
  return (message, fields = {}) => {
    const { level = "info", ...rest } = fields;
    base.write(level, message, rest);
  };
}
