import type { FakeClock } from '../../aws/testing/fake-clock';
import type { Timers } from '../coalescer';

/**
 * Timers on a fake clock: callbacks run when `advance` moves time past their due time, so
 * a simulated day of coalescing runs as fast as the CPU allows.
 */
export class ManualTimers implements Timers {
  private queue: { due: number; callback: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(private readonly clock: FakeClock) {}

  set(callback: () => void, ms: number): unknown {
    const id = ++this.nextId;
    this.queue.push({ due: this.clock.now() + ms, callback, id });
    return id;
  }

  clear(handle: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }

  /** Moves the clock by `ms`, running due callbacks in time order at their due time. */
  advance(ms: number): void {
    const end = this.clock.now() + ms;
    for (;;) {
      const next = this.queue.reduce<(typeof this.queue)[number] | undefined>(
        (a, t) => (t.due <= end && (!a || t.due < a.due) ? t : a),
        undefined,
      );
      if (!next) break;
      this.queue = this.queue.filter((t) => t !== next);
      if (next.due > this.clock.now()) this.clock.advance(next.due - this.clock.now());
      next.callback();
    }
    this.clock.advance(end - this.clock.now());
  }

  get pending(): number {
    return this.queue.length;
  }
}
