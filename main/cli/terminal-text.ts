/**
 * Text for one terminal line: what a training printed, made safe and short enough to be
 * redrawn in place. A line wider than the terminal wraps, and `\r` then redraws only its last
 * row: the status line would scroll the screen on every redraw.
 */

// CSI (colors, cursor moves), OSC (titles, hyperlinks), and any other two-byte escape.
// eslint-disable-next-line no-control-regex -- these are the escapes being removed
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex -- C0 and C1 controls (\r, \b, bell…): none may reach the terminal
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * The text with every escape sequence and control character removed (tabs and newlines become a
 * space): a training's colors, cursor moves or title changes never reach the user's terminal.
 */
export function plainTerminalText(text: string): string {
  return text
    .replace(ESCAPES, '')
    .replace(/[\t\n]/g, ' ')
    .replace(CONTROLS, '');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// East Asian Wide and Fullwidth blocks, and emoji shown as pictures: two columns. An
// approximation of Unicode's table that errs wide (a line clipped a little early, never wrapped).
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x267f, 0x267f],
  [0x2693, 0x2693],
  [0x26a1, 0x26a1],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26ce, 0x26ce],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274e],
  [0x2753, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27bf],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18aff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f1e6, 0x1f1ff],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

function isWide(codePoint: number): boolean {
  return WIDE_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/** Columns one grapheme takes: 0 for marks and invisible formatting, 2 for wide ones, else 1. */
function graphemeWidth(grapheme: string): number {
  const first = grapheme.codePointAt(0) ?? 0;
  if (/^[\p{Mark}\p{Default_Ignorable_Code_Point}]+$/u.test(grapheme)) return 0;
  // An emoji with VS16 (text → picture) is drawn two columns wide whatever its base.
  if (isWide(first) || (grapheme.includes('\ufe0f') && /\p{Extended_Pictographic}/u.test(grapheme))) return 2;
  return 1;
}

/** How many terminal columns plain text takes (graphemes, not UTF-16 units: é + ◌́ is one). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += graphemeWidth(segment);
  return width;
}

/**
 * Plain text cut to at most `columns` terminal columns, ending in `…` when cut. Never splits a
 * grapheme (a flag, a family emoji, a letter with its accents) or half a wide character.
 */
export function clipToColumns(text: string, columns: number): string {
  const limit = Math.max(0, Math.floor(columns));
  if (displayWidth(text) <= limit) return text;
  if (limit === 0) return '';
  let width = 0;
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    const next = graphemeWidth(segment);
    if (width + next > limit - 1) break;
    kept += segment;
    width += next;
  }
  return `${kept}…`;
}
