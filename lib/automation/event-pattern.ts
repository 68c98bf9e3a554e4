// Amazon EventBridge's event pattern language: parse (validating as EventBridge does) once, then
// match any number of events against the parsed form. Pure; no I/O.
//
//   pattern object   every field must match (AND), and one alternative of "$or" if present
//   field: [ ... ]   a leaf: any entry of the array may match (OR)
//   field: { ... }   a nested pattern, matched against the event's object at that field
//   event arrays     crushed out: a leaf matches if any element matches; a nested pattern
//                    matches if any one element matches all of it (array consistency)
//   missing field    only {"exists": false} matches it; [null] matches null, not absence
//   exists           counts leaf values only: a field holding an object "does not exist"
//   anything-but     needs a value present; matches if some value is not excluded
//
// Operators: exact values, prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric,
// exists, cidr (IPv4). Limits: 4096 characters, MAX_PATTERN_DEPTH nested objects, "$or" with at
// least two alternatives, numeric bounds within ±5e9 (as AWS's event-ruler).
import { AppError } from "@/lib/errors";

export const MAX_PATTERN_LENGTH = 4096;
export const MAX_PATTERN_DEPTH = 10;
const NUMERIC_LIMIT = 5e9;

export type ExactValue = string | number | boolean | null;

export interface NumericBound {
  value: number;
  inclusive: boolean;
}

export type ValueMatcher =
  | { type: "exact"; value: ExactValue }
  | { type: "prefix" | "suffix"; value: string; ignoreCase: boolean }
  | { type: "equals-ignore-case"; value: string }
  /** The literal text between the unescaped `*`s: "a*b" → ["a", "b"]. */
  | { type: "wildcard"; parts: string[] }
  /** Matches a value none of these match. */
  | { type: "anything-but"; excluded: ValueMatcher[] }
  | { type: "numeric"; lower?: NumericBound; upper?: NumericBound }
  | { type: "exists"; value: boolean }
  | { type: "cidr"; network: number; mask: number };

export type FieldRule = { type: "leaf"; matchers: ValueMatcher[] } | { type: "object"; pattern: EventPattern };

export interface EventPattern {
  fields: [name: string, rule: FieldRule][];
  /** "$or": at least one of these must match too. */
  anyOf?: EventPattern[];
}

export function parseEventPattern(json: string): EventPattern {
  if (json.length > MAX_PATTERN_LENGTH) {
    throw invalidPattern(`it is ${json.length} characters long; the limit is ${MAX_PATTERN_LENGTH}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw invalidPattern(`it is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (!isPlainObject(raw)) throw invalidPattern(`it must be a JSON object, not ${describe(raw)}.`);
  return parseObject(raw, "", 1);
}

export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

// ---- parsing ----

function invalidPattern(reason: string, path = ""): AppError {
  return new AppError("INVALID_INPUT", `Event pattern is not valid${path ? ` at ${path}` : ""}: ${reason}`);
}

function parseObject(raw: Record<string, unknown>, path: string, depth: number): EventPattern {
  if (depth > MAX_PATTERN_DEPTH) {
    throw invalidPattern(`patterns may nest at most ${MAX_PATTERN_DEPTH} objects deep.`, path);
  }
  const entries = Object.entries(raw);
  if (entries.length === 0) throw invalidPattern("empty objects are not allowed.", path);
  const pattern: EventPattern = { fields: [] };
  for (const [name, value] of entries) {
    const at = path ? `${path}.${name}` : name;
    if (name === "$or") {
      pattern.anyOf = parseOr(value, at, depth);
    } else if (Array.isArray(value)) {
      pattern.fields.push([name, { type: "leaf", matchers: parseLeaf(value, at) }]);
    } else if (isPlainObject(value)) {
      pattern.fields.push([name, { type: "object", pattern: parseObject(value, at, depth + 1) }]);
    } else {
      throw invalidPattern(
        `values must be given in an array, like [${JSON.stringify(value)}], not as ${describe(value)}.`,
        at,
      );
    }
  }
  return pattern;
}

function parseOr(value: unknown, path: string, depth: number): EventPattern[] {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
    throw invalidPattern('"$or" takes an array of at least two pattern objects.', path);
  }
  return value.map((alt, i) => parseObject(alt, `${path}[${i}]`, depth + 1));
}

function parseLeaf(values: unknown[], path: string): ValueMatcher[] {
  if (values.length === 0) throw invalidPattern("the array of values must not be empty.", path);
  return values.map((value) => {
    if (isLeafValue(value)) return { type: "exact", value };
    if (isPlainObject(value)) return parseOperator(value, path);
    throw invalidPattern(
      `${describe(value)} is not a value to match; use strings, numbers, booleans, null or operators like {"prefix": "..."}.`,
      path,
    );
  });
}

const OPERATORS = [
  "prefix",
  "suffix",
  "equals-ignore-case",
  "wildcard",
  "anything-but",
  "numeric",
  "exists",
  "cidr",
] as const;

function parseOperator(raw: Record<string, unknown>, path: string): ValueMatcher {
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    throw invalidPattern(`an operator object must have exactly one key, one of ${OPERATORS.join(", ")}.`, path);
  }
  const op = keys[0]!;
  const arg = raw[op];
  switch (op) {
    case "prefix":
    case "suffix":
      return parseAffix(op, arg, path);
    case "equals-ignore-case":
      return { type: "equals-ignore-case", value: stringArg(op, arg, path) };
    case "wildcard":
      return { type: "wildcard", parts: parseWildcard(stringArg(op, arg, path), path) };
    case "anything-but":
      return { type: "anything-but", excluded: parseAnythingBut(arg, path) };
    case "numeric":
      return parseNumeric(arg, path);
    case "exists":
      if (typeof arg !== "boolean") throw invalidPattern('"exists" takes true or false.', path);
      return { type: "exists", value: arg };
    case "cidr":
      return parseCidr(stringArg(op, arg, path), path);
    default:
      throw invalidPattern(`unrecognized operator "${op}"; use one of ${OPERATORS.join(", ")}.`, path);
  }
}

function stringArg(op: string, arg: unknown, path: string): string {
  if (typeof arg !== "string") throw invalidPattern(`"${op}" takes a string, not ${describe(arg)}.`, path);
  return arg;
}

function parseAffix(op: "prefix" | "suffix", arg: unknown, path: string): ValueMatcher {
  if (typeof arg === "string") return { type: op, value: arg, ignoreCase: false };
  if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg["equals-ignore-case"] === "string") {
    return { type: op, value: arg["equals-ignore-case"], ignoreCase: true };
  }
  throw invalidPattern(`"${op}" takes a string or {"equals-ignore-case": "..."}.`, path);
}

function parseAnythingBut(arg: unknown, path: string): ValueMatcher[] {
  if (typeof arg === "string" || typeof arg === "number") return [{ type: "exact", value: arg }];
  if (Array.isArray(arg)) {
    const allStrings = arg.every((v) => typeof v === "string");
    const allNumbers = arg.every((v) => typeof v === "number");
    if (arg.length > 0 && (allStrings || allNumbers)) {
      return arg.map((value: string | number) => ({ type: "exact", value }));
    }
    throw invalidPattern('"anything-but" takes a non-empty list of only strings or only numbers.', path);
  }
  if (isPlainObject(arg) && Object.keys(arg).length === 1) {
    const [op, inner] = Object.entries(arg)[0]!;
    if (op === "prefix" || op === "suffix") return [{ type: op, value: stringArg(op, inner, path), ignoreCase: false }];
    if (op === "equals-ignore-case") {
      return stringList(op, inner, path).map((value) => ({ type: "equals-ignore-case", value }));
    }
    if (op === "wildcard") {
      return stringList(op, inner, path).map((value) => ({ type: "wildcard", parts: parseWildcard(value, path) }));
    }
  }
  throw invalidPattern(
    '"anything-but" takes a string, a number, a list of strings or of numbers, or one of ' +
      '{"prefix": "..."}, {"suffix": "..."}, {"equals-ignore-case": ...}, {"wildcard": ...}.',
    path,
  );
}

function stringList(op: string, arg: unknown, path: string): string[] {
  if (typeof arg === "string") return [arg];
  if (Array.isArray(arg) && arg.length > 0 && arg.every((v) => typeof v === "string")) return arg;
  throw invalidPattern(`"${op}" inside "anything-but" takes a string or a non-empty list of strings.`, path);
}

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
function parseWildcard(text: string, path: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      const next = text[i + 1];
      if (next !== "*" && next !== "\\") {
        throw invalidPattern('in "wildcard", a backslash may only escape "*" or "\\".', path);
      }
      current += next;
      i++;
    } else if (c === "*") {
      if (text[i - 1] === "*" && current === "") {
        throw invalidPattern('"wildcard" does not allow consecutive wildcard characters.', path);
      }
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** Comparison operator → which bound it sets and whether that bound is inclusive. */
const COMPARISONS = new Map<string, { side: "lower" | "upper"; inclusive: boolean }>([
  [">", { side: "lower", inclusive: false }],
  [">=", { side: "lower", inclusive: true }],
  ["<", { side: "upper", inclusive: false }],
  ["<=", { side: "upper", inclusive: true }],
]);
const NUMERIC_USAGE = '"numeric" takes one or two comparisons, like [">", 0, "<=", 5] or ["=", 3]';

function parseNumeric(arg: unknown, path: string): ValueMatcher {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
    throw invalidPattern(`${NUMERIC_USAGE}.`, path);
  }
  const matcher: { type: "numeric"; lower?: NumericBound; upper?: NumericBound } = { type: "numeric" };
  for (let i = 0; i < arg.length; i += 2) {
    const op: unknown = arg[i];
    const value: unknown = arg[i + 1];
    const comparison = typeof op === "string" ? COMPARISONS.get(op) : undefined;
    if (op !== "=" && comparison === undefined) {
      throw invalidPattern(`${NUMERIC_USAGE}; ${JSON.stringify(op)} is not one of =, >, >=, <, <=.`, path);
    }
    if (typeof value !== "number" || Math.abs(value) > NUMERIC_LIMIT) {
      throw invalidPattern(
        `${NUMERIC_USAGE}; "${op}" must be followed by a number between -5e9 and 5e9, not ${describe(value)}.`,
        path,
      );
    }
    if (op === "=") {
      if (arg.length !== 2) throw invalidPattern(`${NUMERIC_USAGE}; "=" cannot be combined with a range.`, path);
      return { type: "numeric", lower: { value, inclusive: true }, upper: { value, inclusive: true } };
    }
    const { side, inclusive } = comparison!;
    if (matcher[side]) {
      throw invalidPattern(`${NUMERIC_USAGE}; a range needs one lower bound (>, >=) and one upper (<, <=).`, path);
    }
    matcher[side] = { value, inclusive };
  }
  const { lower, upper } = matcher;
  if (lower && upper) {
    const empty = lower.value > upper.value || (lower.value === upper.value && !(lower.inclusive && upper.inclusive));
    if (empty) throw invalidPattern(`${NUMERIC_USAGE}; the range matches no number.`, path);
  }
  return matcher;
}

function parseCidr(text: string, path: string): ValueMatcher {
  const [address, bits, extra] = text.split("/");
  const ip = address === undefined ? null : parseIpv4(address);
  const maskBits = bits !== undefined && /^\d{1,2}$/.test(bits) ? Number(bits) : Number.NaN;
  if (ip === null || extra !== undefined || !(maskBits <= 32)) {
    throw invalidPattern(`"cidr" takes an IPv4 block like "10.0.0.0/24", not ${JSON.stringify(text)}.`, path);
  }
  const mask = maskBits === 0 ? 0 : (0xffffffff << (32 - maskBits)) >>> 0;
  return { type: "cidr", network: (ip & mask) >>> 0, mask };
}

function parseIpv4(text: string): number | null {
  const octets = text.split(".");
  if (octets.length !== 4) return null;
  let ip = 0;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255) return null;
    ip = ip * 256 + Number(octet);
  }
  return ip;
}

// ---- matching ----

function matchObject(pattern: EventPattern, value: unknown): boolean {
  for (const [name, rule] of pattern.fields) {
    const field = fieldOf(value, name);
    if (rule.type === "leaf") {
      if (!matchLeaf(rule.matchers, field)) return false;
    } else {
      const elements = field === undefined ? [] : flatten(field);
      // An absent or empty field is still matched, so that {"exists": false} inside can hold.
      const candidates = elements.length === 0 ? [undefined] : elements;
      if (!candidates.some((element) => matchObject(rule.pattern, element))) return false;
    }
  }
  return pattern.anyOf === undefined || pattern.anyOf.some((alt) => matchObject(alt, value));
}

function matchLeaf(matchers: ValueMatcher[], field: unknown): boolean {
  const leaves = field === undefined ? [] : flatten(field).filter(isLeafValue);
  const present = leaves.length > 0;
  return matchers.some((m) => {
    if (m.type === "exists") return m.value === present;
    return leaves.some((leaf) => matchValue(m, leaf));
  });
}

function matchValue(m: ValueMatcher, value: ExactValue): boolean {
  switch (m.type) {
    case "exact":
      return value === m.value;
    case "prefix":
      return typeof value === "string" && fold(value, m.ignoreCase).startsWith(fold(m.value, m.ignoreCase));
    case "suffix":
      return typeof value === "string" && fold(value, m.ignoreCase).endsWith(fold(m.value, m.ignoreCase));
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === m.value.toLowerCase();
    case "wildcard":
      return typeof value === "string" && wildcardMatches(m.parts, value);
    case "anything-but":
      return !m.excluded.some((excluded) => matchValue(excluded, value));
    case "numeric":
      return typeof value === "number" && inRange(value, m.lower, m.upper);
    case "cidr": {
      const ip = typeof value === "string" ? parseIpv4(value) : null;
      return ip !== null && (ip & m.mask) >>> 0 === m.network;
    }
    case "exists":
      return true; // decided on the whole field in matchLeaf
  }
}

function inRange(value: number, lower?: NumericBound, upper?: NumericBound): boolean {
  if (lower && (lower.inclusive ? value < lower.value : value <= lower.value)) return false;
  if (upper && (upper.inclusive ? value > upper.value : value >= upper.value)) return false;
  return true;
}

/** Leftmost-first search for each literal part: linear in the value, with no regex backtracking. */
function wildcardMatches(parts: string[], value: string): boolean {
  if (parts.length === 1) return value === parts[0];
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  const end = value.length - last.length;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = value.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

function fold(text: string, ignoreCase: boolean): string {
  return ignoreCase ? text.toLowerCase() : text;
}

function fieldOf(value: unknown, name: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
}

/** Event arrays are crushed out: [[1, 2], 3] holds the values 1, 2 and 3. */
function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value];
}

function isLeafValue(value: unknown): value is ExactValue {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${JSON.stringify(value)}`;
}
