import type { Clock } from '../../core/clock';
import type { Sleep } from '../../core/sleep';

/**
 * A clock that only moves when told to. Its `sleep` advances time instead of waiting, so a
 * ten-minute bounded wait runs in microseconds and still exercises the real timeout logic.
 */
export class FakeClock implements Clock {
  constructor(private time = Date.parse('2025-06-01T12:00:00Z')) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }

  readonly sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted();
    this.time += ms;
    // Yield so concurrent work (and abort listeners) get a turn, as a real sleep would.
    await Promise.resolve();
  };
}
