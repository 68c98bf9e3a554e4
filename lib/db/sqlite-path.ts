import { isAbsolute, resolve } from "node:path";

/** The file a `file:` DATABASE_URL names, resolved against the working directory. */
export function sqliteFilePath(url: string): string {
  const raw = url.replace(/^file:/, "").split("?")[0] ?? "";
  if (!raw) throw new Error(`DATABASE_URL ${url} names no file`);
  return isAbsolute(raw) ? raw : resolve(/*turbopackIgnore: true*/ process.cwd(), raw);
}
