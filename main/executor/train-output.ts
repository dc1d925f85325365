import type { SecretRedactor } from './secret-redactor';

/** A line never ends before this many characters: past it, what came is logged and a new line begins. */
export const MAX_SEGMENT_CHARS = 64 * 1024;
/** While a bar is open, its state goes into the log at most this often (a 1 h epoch leaves 60 lines). */
export const BAR_SNAPSHOT_MS = 60_000;

// Keras 3 erases its bar with backspaces before the `\r`; they are not text.
const BACKSPACE = '\u0008';
const PRINTABLE = /\S/;

/** Where {@link TrainOutput} sends what it made of the stream. */
export interface TrainOutputSink {
  /** A complete log line (no newline), with the time it is written. */
  line(text: string): void;
  /** The bar's latest redraw (`open`), or its final state as it closed. */
  bar(text: string, open: boolean): void;
}

/**
 * Turns one output stream of the training into log lines and live bar states. tqdm (and HF,
 * Lightning, Keras) redraw a bar with `\r` and end it with `\n` only when it closes: the redraws
 * are the bar's live state (`sink.bar`, throttled by the caller), and the log gets one line per
 * bar close, plus a snapshot of an open bar at most every {@link BAR_SNAPSHOT_MS} — never the
 * dozens of redraws glued into one line. Memory stays bounded: a line without end is cut at
 * {@link MAX_SEGMENT_CHARS}.
 */
export class TrainOutput {
  private readonly sink: TrainOutputSink;
  private segment = '';
  /** A `\r` ended the last chunk: a `\n` first in the next one makes it a `\r\n` line end. */
  private carriageReturnPending = false;
  /** The current segment began right after a `\r`: it is a redraw, not a new line. */
  private afterCarriageReturn = false;
  /** The bar's latest complete redraw, not yet in the log. */
  private openBar: string | undefined;
  private lastLoggedBar: string | undefined;
  private lastSnapshotAt: number;

  constructor(
    private readonly out: TrainOutputSink,
    private readonly now: () => number = Date.now,
    /** The secret env values: no line or bar leaves here with one in it. */
    private readonly redactor?: SecretRedactor,
  ) {
    this.lastSnapshotAt = now();
    this.sink =
      redactor && !redactor.empty
        ? { line: (text) => out.line(redactor.redact(text)), bar: (text, open) => out.bar(redactor.redact(text), open) }
        : out;
  }

  push(chunk: string): void {
    if (this.carriageReturnPending && chunk.length) {
      this.carriageReturnPending = false;
      if (chunk.charCodeAt(0) !== 0x0a) this.redraw();
    }
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 0x0a && c !== 0x0d) continue;
      this.segment += chunk.slice(from, i);
      from = i + 1;
      if (c === 0x0a) this.newline();
      // `\r\n` (a Windows line end) is one line end, not a redraw.
      else if (i + 1 === chunk.length) this.carriageReturnPending = true;
      else if (chunk.charCodeAt(i + 1) !== 0x0a) this.redraw();
    }
    this.segment += chunk.slice(from);
    if (this.segment.length > MAX_SEGMENT_CHARS) this.cutLongSegment();
    this.snapshot();
  }

  /** The stream ended: what is pending becomes a line (a bar that never closed leaves its last state). */
  end(): void {
    if (this.carriageReturnPending) {
      this.carriageReturnPending = false;
      this.redraw();
    }
    const rest = clean(this.segment);
    this.segment = '';
    if (PRINTABLE.test(rest)) this.closeWith(rest, this.afterCarriageReturn);
    else if (this.openBar !== undefined) this.closeWith(this.openBar, true);
  }

  // A line that never ends (a binary dump, a bar without `\r`) is logged in pieces; with secrets,
  // redacted first and cut where no value that is still arriving can be split in two.
  private cutLongSegment(): void {
    const redactor = this.redactor && !this.redactor.empty ? this.redactor : undefined;
    const text = redactor ? redactor.redact(this.segment) : this.segment;
    const cut = redactor ? redactor.safeCut(text.length, MAX_SEGMENT_CHARS) : MAX_SEGMENT_CHARS;
    this.out.line(text.slice(0, cut));
    this.segment = text.slice(cut);
  }

  private redraw(): void {
    const text = clean(this.segment);
    this.segment = '';
    // `\r` + spaces + `\r` is tqdm clearing its bar (before a `tqdm.write`, or `leave=False`): what
    // follows is a line of its own. Keras's backspaces before its `\r` erase nothing that matters.
    this.afterCarriageReturn = text.length === 0 || PRINTABLE.test(text);
    if (!PRINTABLE.test(text)) return;
    this.openBar = text;
    this.sink.bar(text, true);
  }

  private newline(): void {
    const text = clean(this.segment);
    const wasRedraw = this.afterCarriageReturn;
    this.segment = '';
    this.afterCarriageReturn = false;
    // A bar's last redraw ended by `\n` is its close.
    if (PRINTABLE.test(text)) this.closeWith(text, wasRedraw);
    else if (wasRedraw && this.openBar !== undefined) this.closeWith(this.openBar, true);
  }

  private closeWith(text: string, isBar: boolean): void {
    this.sink.line(text);
    if (isBar) {
      this.sink.bar(text, false);
      this.openBar = undefined;
      this.lastLoggedBar = text;
    }
  }

  private snapshot(): void {
    if (this.openBar === undefined || this.openBar === this.lastLoggedBar) return;
    const now = this.now();
    if (now - this.lastSnapshotAt < BAR_SNAPSHOT_MS) return;
    this.lastSnapshotAt = now;
    this.lastLoggedBar = this.openBar;
    this.sink.line(this.openBar);
  }
}

function clean(text: string): string {
  return text.indexOf(BACKSPACE) < 0 ? text : text.replaceAll(BACKSPACE, '');
}
