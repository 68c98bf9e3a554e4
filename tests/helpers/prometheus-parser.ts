// A small, strict reader of Prometheus' text exposition format 0.0.4, for tests: anything it
// does not understand is an error rather than skipped, so a malformed line fails the test.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, line: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value in: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf("=", i);
    if (eq < 0) throw new Error(`bad labels in: ${line}`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name ${name} in: ${line}`);
    if (text[eq + 1] !== '"') throw new Error(`unquoted label value in: ${line}`);
    let j = eq + 2;
    let value = "";
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error(`unterminated label value in: ${line}`);
      if (c === "\\") {
        const n = text[j + 1];
        if (n === "n") value += "\n";
        else if (n === "\\" || n === '"') value += n;
        else throw new Error(`bad escape in: ${line}`);
        j += 2;
        continue;
      }
      if (c === '"') break;
      value += c;
      j++;
    }
    if (name in labels) throw new Error(`duplicate label ${name} in: ${line}`);
    labels[name] = value;
    j++;
    if (j < text.length) {
      if (text[j] !== ",") throw new Error(`expected , in: ${line}`);
      j++;
    }
    i = j;
  }
  return labels;
}

/** The family a sample belongs to, given the declared types (histogram suffixes stripped). */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (types.get(base) === "histogram" || types.get(base) === "summary") return base;
    }
  }
  return undefined;
}

export function parseExposition(text: string): Exposition {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) {
      const h = /^# HELP (\S+) (.*)$/.exec(line);
      if (!h || !NAME.test(h[1]!)) throw new Error(`bad HELP: ${line}`);
      if (help.has(h[1]!)) throw new Error(`second HELP for ${h[1]}`);
      help.set(h[1]!, h[2]!);
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const parts = line.split(" ");
      if (parts.length !== 4 || !NAME.test(parts[2]!) || !TYPES.has(parts[3]!)) throw new Error(`bad TYPE: ${line}`);
      if (types.has(parts[2]!)) throw new Error(`second TYPE for ${parts[2]}`);
      types.set(parts[2]!, parts[3]!);
      continue;
    }
    if (line.startsWith("#") || line.trim() === "") throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad sample: ${line}`);
    const name = m[1]!;
    const labels = m[2] ? parseLabels(m[2], line) : {};
    const value = parseValue(m[3]!, line);
    const family = familyOf(name, types);
    if (!family) throw new Error(`sample before its TYPE: ${line}`);
    const type = types.get(family)!;
    if (type === "counter" && !name.endsWith("_total")) throw new Error(`counter not ending in _total: ${name}`);
    if (type === "histogram" && name === family) throw new Error(`bare histogram sample: ${line}`);
    if (name.endsWith("_bucket") && type === "histogram" && !("le" in labels))
      throw new Error(`bucket without le: ${line}`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`duplicate series: ${line}`);
    seen.add(key);
    samples.push({ name, labels, value });
  }
  for (const name of types.keys()) if (!help.has(name)) throw new Error(`no HELP for ${name}`);
  return { types, help, samples };
}

export function value(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  return e.samples.find(
    (s) =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
      Object.keys(s.labels).length === Object.keys(labels).length,
  )?.value;
}

/** Checks a histogram's invariants and returns its buckets (le → cumulative count), sum and count. */
export function histogram(e: Exposition, name: string) {
  if (e.types.get(name) !== "histogram") throw new Error(`${name} is not a histogram`);
  const buckets = e.samples
    .filter((s) => s.name === `${name}_bucket`)
    .map((s) => ({ le: s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le), count: s.value }));
  const sum = value(e, `${name}_sum`);
  const count = value(e, `${name}_count`);
  if (sum === undefined || count === undefined) throw new Error(`${name} lacks _sum or _count`);
  if (buckets.at(-1)?.le !== Number.POSITIVE_INFINITY) throw new Error(`${name} lacks the +Inf bucket`);
  if (buckets.at(-1)!.count !== count) throw new Error(`${name}: +Inf bucket ≠ _count`);
  for (let i = 1; i < buckets.length; i++) {
    if (!(buckets[i]!.le > buckets[i - 1]!.le)) throw new Error(`${name}: buckets not ascending`);
    if (buckets[i]!.count < buckets[i - 1]!.count) throw new Error(`${name}: buckets not cumulative`);
  }
  return { buckets, sum, count };
}
