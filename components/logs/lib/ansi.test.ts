import { describe, expect, it } from "vitest";
import { BASIC_COLOURS, colour256, highlightSegments, parseAnsi, stripAnsi } from "./ansi";

const ESC = "\u001b";

describe("parseAnsi", () => {
  it("leaves plain text as one unstyled segment", () => {
    expect(parseAnsi("hello <b>world</b>")).toEqual([{ text: "hello <b>world</b>", style: {} }]);
    expect(parseAnsi("")).toEqual([]);
  });

  it("applies and resets basic colours, bold and underline", () => {
    expect(parseAnsi(`a${ESC}[31mred${ESC}[1;4mboth${ESC}[0mplain`)).toEqual([
      { text: "a", style: {} },
      { text: "red", style: { fg: BASIC_COLOURS[1] } },
      { text: "both", style: { fg: BASIC_COLOURS[1], bold: true, underline: true } },
      { text: "plain", style: {} },
    ]);
  });

  it("treats ESC[m as a reset and turns single attributes off", () => {
    expect(parseAnsi(`${ESC}[1;42mx${ESC}[22my${ESC}[49mz${ESC}[mw`)).toEqual([
      { text: "x", style: { bold: true, bg: BASIC_COLOURS[2] } },
      { text: "y", style: { bg: BASIC_COLOURS[2] } },
      { text: "z", style: {} },
      { text: "w", style: {} },
    ]);
  });

  it("reads bright, 256-colour and true-colour forms", () => {
    const [bright, c256, rgb, bg] = parseAnsi(`${ESC}[94ma${ESC}[38;5;196mb${ESC}[38;2;1;2;255mc${ESC}[48;5;232md`);
    expect(bright?.style.fg).toBe(BASIC_COLOURS[12]);
    expect(c256?.style.fg).toBe("#ff0000");
    expect(rgb?.style.fg).toBe("#0102ff");
    expect(bg?.style.bg).toBe("#080808");
  });

  it("drops non-SGR escapes: erase line, cursor moves, window titles", () => {
    expect(parseAnsi(`${ESC}[2K${ESC}[1Gprogress ${ESC}]0;title\u0007done${ESC}[?25l`)).toEqual([
      { text: "progress ", style: {} },
      { text: "done", style: {} },
    ]);
    expect(stripAnsi(`${ESC}[32mok${ESC}[0m ${ESC}]8;;http://x${ESC}\\link`)).toBe("ok link");
  });

  it("ignores a malformed extended colour instead of misreading what follows", () => {
    expect(parseAnsi(`${ESC}[38;9;1mx`)).toEqual([{ text: "x", style: {} }]);
  });

  it("builds the xterm palette", () => {
    expect(colour256(16)).toBe("#000000");
    expect(colour256(231)).toBe("#ffffff");
    expect(colour256(255)).toBe("#eeeeee");
  });
});

describe("highlightSegments", () => {
  it("marks case-insensitive matches, also across colour changes", () => {
    const segs = parseAnsi(`err${ESC}[31mOR here, error`);
    const out = highlightSegments(segs, "error");
    expect(out.filter((s) => s.mark).map((s) => s.text)).toEqual(["err", "OR", "error"]);
    expect(out.map((s) => s.text).join("")).toBe("errOR here, error");
    expect(out[1]?.style.fg).toBe(BASIC_COLOURS[1]);
  });

  it("returns the segments unchanged when nothing matches or the query is empty", () => {
    const segs = parseAnsi("nothing");
    expect(highlightSegments(segs, "zzz")).toBe(segs);
    expect(highlightSegments(segs, "")).toBe(segs);
  });
});
