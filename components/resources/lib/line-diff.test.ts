import { describe, expect, it } from "vitest";
import { diffStats, lineDiff, splitLines } from "./line-diff";

const render = (oldText: string, newText: string) =>
  lineDiff(oldText, newText).map((l) => `${l.kind === "same" ? " " : l.kind === "added" ? "+" : "-"}${l.text}`);

/** Applying the diff must give back both inputs exactly. */
function reconstruct(oldText: string, newText: string) {
  const lines = lineDiff(oldText, newText);
  expect(lines.filter((l) => l.kind !== "added").map((l) => l.text)).toEqual(splitLines(oldText));
  expect(lines.filter((l) => l.kind !== "removed").map((l) => l.text)).toEqual(splitLines(newText));
  return lines;
}

describe("lineDiff", () => {
  it("marks nothing when the texts are equal", () => {
    expect(render("a\nb\nc", "a\nb\nc")).toEqual([" a", " b", " c"]);
  });

  it("shows a changed line as a removal followed by an addition", () => {
    expect(render('{\n  "image": "busybox",\n  "vcpus": 1\n}', '{\n  "image": "alpine",\n  "vcpus": 1\n}')).toEqual([
      " {",
      '-  "image": "busybox",',
      '+  "image": "alpine",',
      '   "vcpus": 1',
      " }",
    ]);
  });

  it("handles insertions and deletions at both ends and in the middle", () => {
    expect(render("b\nc\nd", "a\nb\nd\ne")).toEqual(["+a", " b", "-c", " d", "+e"]);
    expect(render("", "x\ny")).toEqual(["+x", "+y"]);
    expect(render("x\ny", "")).toEqual(["-x", "-y"]);
  });

  it("finds the longest common subsequence, not just a greedy match", () => {
    // Greedy matching on "a" first would lose the longer common run b, c, d.
    const lines = reconstruct("a\nb\nc\nd", "b\nc\nd\na");
    expect(diffStats(lines)).toEqual({ added: 1, removed: 1 });
  });

  it("numbers lines in each text", () => {
    const lines = lineDiff("a\nb\nc", "a\nx\nc");
    expect(lines).toEqual([
      { kind: "same", text: "a", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "b", oldLine: 2 },
      { kind: "added", text: "x", newLine: 2 },
      { kind: "same", text: "c", oldLine: 3, newLine: 3 },
    ]);
  });

  it("treats CRLF and a trailing newline like plain lines", () => {
    expect(render("a\r\nb\r\n", "a\nb")).toEqual([" a", " b"]);
  });

  it("reconstructs both sides for random inputs", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const gen = () =>
        Array.from({ length: Math.floor(rand() * 12) }, () => "abcd"[Math.floor(rand() * 4)] as string).join("\n");
      const oldText = gen();
      const newText = gen();
      const lines = reconstruct(oldText, newText);
      // Minimal: the kept lines are as many as the LCS allows, so removed = |old| - LCS.
      const same = lines.filter((l) => l.kind === "same").length;
      expect(same).toBe(lcsLength(splitLines(oldText), splitLines(newText)));
    }
  });
});

function lcsLength(a: string[], b: string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const value = a[i] === b[j] ? go(i + 1, j + 1) + 1 : Math.max(go(i + 1, j), go(i, j + 1));
    memo.set(key, value);
    return value;
  };
  return go(0, 0);
}
