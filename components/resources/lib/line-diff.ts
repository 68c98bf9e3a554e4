// A line diff by longest common subsequence: small, dependency-free, and exact for the inputs
// the console compares (two job definition revisions as pretty JSON, a few hundred lines at
// most: RegisterJobDefinition caps a definition at 24 KiB). Common leading and trailing lines
// are set aside first, so the quadratic table covers only the part that changed.

export type DiffKind = "same" | "added" | "removed";

export interface DiffLine {
  kind: DiffKind;
  text: string;
  /** 1-based line number in the old text (same and removed lines). */
  oldLine?: number;
  /** 1-based line number in the new text (same and added lines). */
  newLine?: number;
}

export function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");
}

export function lineDiff(oldText: string, newText: string): DiffLine[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ kind: "same", text: a[i] as string, oldLine: i + 1, newLine: i + 1 });

  // lcs[i][j]: length of the longest common subsequence of a[start+i..endA) and b[start+j..endB).
  const n = endA - start;
  const m = endB - start;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        a[start + i] === b[start + j]
          ? (below[j + 1] as number) + 1
          : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  // Walk the table; on a tie removals come before additions, the order readers expect.
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const ai = start + i;
    const bj = start + j;
    if (i < n && j < m && a[ai] === b[bj]) {
      out.push({ kind: "same", text: a[ai] as string, oldLine: ai + 1, newLine: bj + 1 });
      i++;
      j++;
    } else if (j >= m || (i < n && (lcs[i + 1] as Uint32Array)[j]! >= (lcs[i] as Uint32Array)[j + 1]!)) {
      out.push({ kind: "removed", text: a[ai] as string, oldLine: ai + 1 });
      i++;
    } else {
      out.push({ kind: "added", text: b[bj] as string, newLine: bj + 1 });
      j++;
    }
  }

  for (let k = 0; k < a.length - endA; k++) {
    out.push({ kind: "same", text: a[endA + k] as string, oldLine: endA + k + 1, newLine: endB + k + 1 });
  }
  return out;
}

/** How many lines were added and removed. */
export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === "added") added++;
    else if (l.kind === "removed") removed++;
  }
  return { added, removed };
}
