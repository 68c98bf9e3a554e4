// Text no database can store: a lone UTF-16 surrogate (JSON's "\ud800" parses into one; Prisma's
// query engine then fails on it) and NUL (PostgreSQL's text type refuses it). Both wrappers —
// server actions (lib/auth/operation.ts) and /v1 (lib/api/v1-handler.ts) — refuse such input at
// the boundary with the field it is in, instead of letting the query fail as an internal error.
// Found by tests/integration/bad-input.test.ts.

export interface UnstorableText {
  /** Where in the input: object keys and array indexes, outermost first. */
  path: string[];
  message: string;
}

/**
 * The first string (value or object key) in `value` that cannot be stored, or null. Walks with
 * an explicit stack, so a deeply nested body cannot overflow the call stack here.
 */
export function findUnstorableText(value: unknown): UnstorableText | null {
  // Each entry keeps its parent rather than a copy of its path, so a deep body costs linear time.
  interface Node {
    value: unknown;
    key: string | null;
    parent: Node | null;
  }
  const pathOf = (node: Node | null): string[] => {
    const path: string[] = [];
    for (let n = node; n && n.key !== null; n = n.parent) path.unshift(n.key);
    return path;
  };
  const stack: Node[] = [{ value, key: null, parent: null }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const v = node.value;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) return { path: pathOf(node), message: problem };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: String(i), parent: node });
    } else if (typeof v === "object" && v !== null) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const problem = textProblem(key);
        if (problem) return { path: pathOf(node), message: `A field name ${problem.replace(/^Contains/, "contains")}` };
        stack.push({ value: child, key, parent: node });
      }
    }
  }
  return null;
}

// Without the u flag a regular expression sees UTF-16 code units, so it can find unpaired halves.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(s: string): string | null {
  if (s.includes("\u0000")) return "Contains a NUL character, which cannot be stored.";
  if (LONE_SURROGATE.test(s)) return "Contains an unpaired UTF-16 surrogate (not valid Unicode text).";
  return null;
}
