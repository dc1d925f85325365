import type { LogLines } from '../../../../../shared/monitor/view';
import { ChunkedList } from './chunked-list';

/**
 * The monitor's log tail as the page keeps it: up to `cap` lines, numbered from `first` (the
 * absolute number of line 0), immutable. A delta of 100 lines appends 100, not a copy of the
 * 100k held, so the store can hold a new buffer per delta and React sees a new value.
 */
export class LogBuffer {
  private constructor(
    /** Absolute number (0-based) of line 0; advances as old lines are dropped. */
    readonly first: number,
    private readonly lines: ChunkedList<string>,
    /** Lines kept; older ones are dropped from the front. */
    readonly cap: number,
    /** The same symbol along appends; a new one when the tail restarts (a search rescans then). */
    readonly lineage: symbol,
  ) {}

  /** A buffer holding the last `cap` of `log`'s lines. */
  static of(log: LogLines, cap = 10_000): LogBuffer {
    return new LogBuffer(log.first, ChunkedList.empty<string>(), Math.max(1, Math.floor(cap)), Symbol('log')).append(
      log,
    );
  }

  /** Lines held. */
  get length(): number {
    return this.lines.length;
  }

  /** Line `index` (0 ≤ index < length; its absolute number is first + index), else undefined. */
  get(index: number): string | undefined {
    return this.lines.get(index);
  }

  /**
   * This buffer with a delta's lines after its last. Lines before the delta's first that the
   * buffer lacks were dropped by main's ring (or the delta repeats lines): the tail restarts there.
   */
  append(log: LogLines): LogBuffer {
    const end = this.first + this.lines.length;
    if (log.first !== end) return LogBuffer.of(log, this.cap);
    if (log.lines.length === 0) return this;
    // A batch longer than the cap only keeps its end: never copy lines that would be dropped at once.
    const skip = Math.max(0, log.lines.length - this.cap);
    let lines = this.lines.append(skip ? log.lines.slice(skip) : log.lines);
    const over = lines.length - this.cap;
    if (over > 0) lines = lines.dropFront(over);
    return new LogBuffer(this.first + skip + Math.max(0, over), lines, this.cap, this.lineage);
  }

  /** The lines at `indices` (all lines without), one per line, for the clipboard. */
  text(indices?: readonly number[]): string {
    return (indices ? indices.map((i) => this.lines.get(i) ?? '') : this.lines.toArray()).join('\n');
  }
}
