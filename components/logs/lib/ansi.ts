// A small parser for the ANSI escape sequences programs write to colour their output. SGR
// sequences (ESC [ … m) become styled segments the log viewer renders as <span>s with a style
// object; every other escape sequence (cursor moves, erase line, window titles) is dropped.
// The text itself is never interpreted as markup.
//
// Colours are kept per line: each line starts in the default style. Most tools reset at the end
// of a line, and a viewer that jumps to line 900,000 cannot replay the 899,999 before it.

export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
  inverse?: true;
}

export interface Segment {
  text: string;
  style: AnsiStyle;
  /** Part of a search match (set by highlightSegments). */
  mark?: true;
}

/** The 16 basic colours, chosen to read well on the viewer's dark background. */
export const BASIC_COLOURS = [
  "#1e293b", // black (slate-800, still visible on slate-950)
  "#f87171", // red
  "#4ade80", // green
  "#facc15", // yellow
  "#60a5fa", // blue
  "#e879f9", // magenta
  "#22d3ee", // cyan
  "#e2e8f0", // white
  "#64748b", // bright black
  "#fca5a5",
  "#86efac",
  "#fde047",
  "#93c5fd",
  "#f0abfc",
  "#67e8f9",
  "#f8fafc",
] as const;

const hex = (n: number) => n.toString(16).padStart(2, "0");

/** xterm's 256-colour palette: 16 basic, a 6×6×6 cube, then 24 greys. */
export function colour256(n: number): string {
  if (n < 16) return BASIC_COLOURS[n] as string;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `#${hex(level(Math.floor(i / 36)))}${hex(level(Math.floor(i / 6) % 6))}${hex(level(i % 6))}`;
  }
  const grey = 8 + (n - 232) * 10;
  return `#${hex(grey)}${hex(grey)}${hex(grey)}`;
}

// CSI (ESC [ params intermediates final), OSC (ESC ] … BEL or ESC \), or a lone two-byte escape.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point.
const ESCAPE = /\u001b(?:\[([0-?]*)[ -/]*([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;

function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === "" ? [0] : params.split(";").map((p) => (p === "" ? 0 : Number(p)));
  let next: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c === 0) next = {};
    else if (c === 1) next.bold = true;
    else if (c === 2) next.dim = true;
    else if (c === 3) next.italic = true;
    else if (c === 4) next.underline = true;
    else if (c === 7) next.inverse = true;
    else if (c === 22) {
      delete next.bold;
      delete next.dim;
    } else if (c === 23) delete next.italic;
    else if (c === 24) delete next.underline;
    else if (c === 27) delete next.inverse;
    else if (c >= 30 && c <= 37) next.fg = BASIC_COLOURS[c - 30];
    else if (c === 39) delete next.fg;
    else if (c >= 40 && c <= 47) next.bg = BASIC_COLOURS[c - 40];
    else if (c === 49) delete next.bg;
    else if (c >= 90 && c <= 97) next.fg = BASIC_COLOURS[c - 90 + 8];
    else if (c >= 100 && c <= 107) next.bg = BASIC_COLOURS[c - 100 + 8];
    else if (c === 38 || c === 48) {
      // 38;5;n or 38;2;r;g;b (and 48 for the background).
      const mode = codes[i + 1];
      let colour: string | undefined;
      if (mode === 5 && codes[i + 2] !== undefined) {
        const n = codes[i + 2] as number;
        if (n >= 0 && n <= 255) colour = colour256(n);
        i += 2;
      } else if (mode === 2 && codes[i + 4] !== undefined) {
        const [r, g, b] = [codes[i + 2], codes[i + 3], codes[i + 4]].map((v) => Math.max(0, Math.min(255, v ?? 0)));
        colour = `#${hex(r as number)}${hex(g as number)}${hex(b as number)}`;
        i += 4;
      } else {
        i = codes.length; // malformed: ignore the rest, as terminals do
      }
      if (colour) {
        if (c === 38) next.fg = colour;
        else next.bg = colour;
      }
    }
  }
  return next;
}

/** Split one line into styled segments, dropping every escape sequence. */
export function parseAnsi(line: string): Segment[] {
  if (!line.includes("\u001b")) return line === "" ? [] : [{ text: line, style: {} }];
  const out: Segment[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(line); m; m = ESCAPE.exec(line)) {
    if (m.index > last) out.push({ text: line.slice(last, m.index), style });
    if (m[2] === "m") style = applySgr(style, m[1] ?? "");
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ text: line.slice(last), style });
  return out;
}

/** The text without escape sequences (what search and filter look at). */
export function stripAnsi(line: string): string {
  return line.includes("\u001b") ? line.replace(ESCAPE, "") : line;
}

/**
 * Split segments where `query` matches (case-insensitive) and mark the matching parts, so a
 * match that crosses a colour change is highlighted across both.
 */
export function highlightSegments(segments: Segment[], query: string): Segment[] {
  if (query === "") return segments;
  const text = segments.map((s) => s.text).join("");
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const ranges: [number, number][] = [];
  for (let at = lower.indexOf(q); at !== -1; at = lower.indexOf(q, at + q.length)) ranges.push([at, at + q.length]);
  if (ranges.length === 0) return segments;
  const out: Segment[] = [];
  let pos = 0;
  let r = 0;
  for (const seg of segments) {
    let start = 0;
    while (start < seg.text.length) {
      const abs = pos + start;
      while (r < ranges.length && (ranges[r] as [number, number])[1] <= abs) r++;
      const range = ranges[r];
      let end: number;
      let mark = false;
      if (range && range[0] <= abs) {
        end = Math.min(seg.text.length, range[1] - pos);
        mark = true;
      } else {
        end = Math.min(seg.text.length, range ? range[0] - pos : seg.text.length);
      }
      const piece: Segment = { text: seg.text.slice(start, end), style: seg.style };
      if (mark) piece.mark = true;
      out.push(piece);
      start = end;
    }
    pos += seg.text.length;
  }
  return out;
}
