import { clipToColumns, displayWidth, plainTerminalText } from './terminal-text';

/** What the status line knows of the stream it writes to. */
export interface StatusTerminal {
  /** A terminal: the line is redrawn in place. Otherwise (a pipe, a file, CI) lines are only appended. */
  isTTY: boolean;
  /** Its width now (it may be resized); undefined when unknown. */
  columns(): number | undefined;
  /** Escape sequences allowed (false with NO_COLOR or TERM=dumb: the line is cleared with spaces instead). */
  ansi: boolean;
}

/** Timing of a {@link StatusLine}; injected by tests. */
export interface StatusLineOptions {
  now?: () => number;
  /** On a terminal, at most one redraw per this many ms (the latest state is drawn when it is over). */
  redrawMs?: number;
  /** Not on a terminal, at most one progress line per this many ms. */
  plainEveryMs?: number;
}

const PREFIX = '  ▸ ';
const DEFAULT_COLUMNS = 80;
/** Appended lines are not redrawn, so they need not fit a width; this only bounds a runaway bar. */
const PLAIN_COLUMNS = 300;

/**
 * One status line under the printed lines of a run: the training's progress bar, redrawn in
 * place on a terminal (`\r`, the text clipped to the terminal's width, then clear-to-end-of-line),
 * with every other line printed above it (the bar is cleared, the line printed, the bar drawn
 * again, in one write, so they never share a row). Not on a terminal nothing is redrawn: a
 * progress line is appended at most once per `plainEveryMs` (30 s). Everything goes through
 * `write`, so a closed stdout (cliOutput) drops it like any other output.
 */
export class StatusLine {
  private latest: string | undefined;
  /** What is on screen now (terminal only), and its width. */
  private drawn: { text: string; width: number } | undefined;
  private lastDrawAt = -Infinity;
  private lastPlainAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly redrawMs: number;
  private readonly plainEveryMs: number;

  constructor(
    private readonly write: (text: string) => void,
    private readonly terminal: StatusTerminal,
    options: StatusLineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.redrawMs = options.redrawMs ?? 250;
    this.plainEveryMs = options.plainEveryMs ?? 30_000;
  }

  /** The bar's latest state (raw text from the training: escapes and controls are removed). */
  show(text: string): void {
    const plain = plainTerminalText(text).trim();
    if (!plain) return;
    this.latest = plain;
    if (!this.terminal.isTTY) {
      if (this.now() - this.lastPlainAt < this.plainEveryMs) return;
      this.lastPlainAt = this.now();
      this.write(`${clipToColumns(`${PREFIX}${plain}`, PLAIN_COLUMNS)}\n`);
      return;
    }
    const wait = this.lastDrawAt + this.redrawMs - this.now();
    if (wait <= 0) return this.write(this.redraw());
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.latest !== undefined) this.write(this.redraw());
    }, wait);
    this.timer.unref?.();
  }

  /** Prints whole lines (ending in `\n`) above the status line. */
  print(text: string): void {
    if (!this.drawn) return this.write(text);
    this.write(`${this.erase()}${text}${this.redraw()}`);
  }

  /** Removes the status line (the bar closed, or the training ended); later lines print as usual. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.latest = undefined;
    if (this.drawn) this.write(this.erase());
  }

  /** What puts the latest state on screen in place of the drawn one. */
  private redraw(): string {
    if (this.latest === undefined) return '';
    this.lastDrawAt = this.now();
    const text = clipToColumns(`${PREFIX}${this.latest}`, this.width());
    const width = displayWidth(text);
    // Without escapes, spaces cover what a longer previous state left on the row.
    const pad = this.terminal.ansi ? '\x1b[K' : ' '.repeat(Math.max(0, (this.drawn?.width ?? 0) - width));
    this.drawn = { text, width };
    return `\r${text}${pad}`;
  }

  /** What leaves the cursor at the start of an empty row where the status line was. */
  private erase(): string {
    const width = this.drawn?.width ?? 0;
    this.drawn = undefined;
    return this.terminal.ansi ? '\r\x1b[K' : `\r${' '.repeat(width)}\r`;
  }

  /** Usable columns: one less than the terminal's, so the cursor never wraps to a new row. */
  private width(): number {
    const columns = this.terminal.columns();
    return Math.max(1, (columns && columns > 0 ? columns : DEFAULT_COLUMNS) - 1);
  }
}
