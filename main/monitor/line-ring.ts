import type { LogLines } from '../../shared/monitor/view';

/**
 * The last lines of a log, bounded by count. Lines keep an absolute number so the renderer
 * can append deltas and a snapshot can say where it starts.
 */
export class LineRing {
  private readonly lines: (string | undefined)[];
  private next = 0;
  private newFrom = 0;

  constructor(readonly capacity = 10_000) {
    this.lines = new Array<string | undefined>(capacity);
  }

  push(line: string): void {
    this.lines[this.next % this.capacity] = line;
    this.next++;
  }

  /** The last `count` lines (at most the capacity). */
  tail(count = this.capacity): LogLines {
    const first = Math.max(0, this.next - Math.min(count, this.capacity));
    return { first, lines: this.range(first) };
  }

  /** Lines since the previous call (only those still in the ring), then marks them taken. */
  takeNew(): LogLines | undefined {
    if (this.newFrom >= this.next) return undefined;
    const first = Math.max(this.newFrom, this.next - this.capacity);
    this.newFrom = this.next;
    return { first, lines: this.range(first) };
  }

  private range(first: number): string[] {
    const out: string[] = [];
    for (let i = first; i < this.next; i++) out.push(this.lines[i % this.capacity] as string);
    return out;
  }
}
