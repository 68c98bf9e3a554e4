// The job state machine is written once (states.ts): everything else imports its statuses,
// groups and transitions. This test reads the source tree and fails on a job status spelled
// as a quoted string anywhere else, and on a status written other than by a named move
// (lib/jobs/transition-jobs.ts). Tests, end-to-end specs, benchmarks and generated code are
// not scanned: tests state what they expect in the spec's own words.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { JOB_STATUSES } from "./states";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCANNED = ["app", "components", "engine", "lib", "scripts"];
const SOURCE = /\.(ts|tsx|mts|js|mjs)$/;
const NOT_SOURCE = /\.test\.(ts|tsx)$/;
const HOME = "lib/batch/states.ts";
/** The one file that writes Job.status, by the moves of the state machine. */
const WRITER = "lib/jobs/transition-jobs.ts";

/**
 * Quoted words that are not job statuses, by file. Each entry says why it cannot import.
 */
const ALLOWED: { file: string; word: string; why: string }[] = [
  { file: "scripts/test.mjs", word: "FAILED", why: "a check's result in the test runner's summary" },
  { file: "scripts/check-node.mjs", word: "FAILED", why: "a check's result in the runner's summary" },
  { file: "lib/automation/statuses.ts", word: "SUBMITTED", why: "a schedule fire's status, not a job's" },
  { file: "lib/automation/statuses.ts", word: "FAILED", why: "a schedule fire's and a webhook delivery's status" },
  { file: "lib/automation/statuses.ts", word: "PENDING", why: "a webhook delivery's status, not a job's" },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(entry.name) && !NOT_SOURCE.test(entry.name)) out.push(path);
  }
  return out;
}

const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d))).map((path) => ({
  file: relative(ROOT, path),
  text: readFileSync(path, "utf8"),
}));

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** The text from the bracket at `open` to the one that closes it (strings are not special-cased). */
function balancedAt(text: string, open: number): string {
  const [opening, closing] = text[open] === "(" ? ["(", ")"] : ["{", "}"];
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opening) depth++;
    else if (text[i] === closing && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

describe("job statuses outside the state machine", () => {
  it("are never spelled as quoted strings", () => {
    const quoted = new RegExp(`(["'\`])(${JOB_STATUSES.join("|")})\\1`, "g");
    const found: string[] = [];
    for (const { file, text } of files) {
      if (file === HOME) continue;
      for (const m of text.matchAll(quoted)) {
        const word = m[2]!;
        if (ALLOWED.some((a) => a.file === file && a.word === word)) continue;
        found.push(`${file}:${lineOf(text, m.index)} ${m[0]}`);
      }
    }
    expect(found, `${found.length} job status literal(s) outside ${HOME}`).toEqual([]);
  });

  it("has an allow-list whose every entry is still needed", () => {
    for (const a of ALLOWED) {
      const text = files.find((f) => f.file === a.file)?.text ?? "";
      expect(text, `${a.file} no longer quotes ${a.word}: drop it from ALLOWED`).toMatch(
        new RegExp(`(["'\`])${a.word}\\1`),
      );
    }
  });

  // A heuristic, not a parser: it catches a Prisma write on Job whose `data: { … }` names
  // `status`, and a raw `UPDATE "Job" SET … "status" =`, which is how every status write
  // looked before the moves were named. (A `data` built elsewhere and passed by name escapes it.)
  it("are written only through lib/jobs/transition-jobs.ts", () => {
    const found: string[] = [];
    for (const { file, text } of files) {
      if (file === WRITER) continue;
      for (const m of text.matchAll(/\.job\.(create|createMany|update|updateMany|updateManyAndReturn|upsert)\(/g)) {
        const call = balancedAt(text, m.index + m[0].length - 1);
        for (const d of call.matchAll(/\b(data|create|update):\s*\{/g)) {
          const body = balancedAt(call, d.index + d[0].length - 1);
          if (/[{,\s]status\s*[:,}]/.test(body)) found.push(`${file}:${lineOf(text, m.index)} ${m[0]} … status`);
        }
      }
      for (const m of text.matchAll(/UPDATE\s+"Job"\s+SET((?:(?!WHERE)[^`])*)/g)) {
        if (/"status"\s*=/.test(m[1]!)) found.push(`${file}:${lineOf(text, m.index)} UPDATE "Job" SET "status"`);
      }
    }
    expect(found, `${found.length} status write(s) outside ${WRITER}`).toEqual([]);
  });
});
