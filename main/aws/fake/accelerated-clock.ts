import { setTimeout as delay } from 'node:timers/promises';

import type { Clock } from '../../core/clock';
import type { Sleep } from '../../core/sleep';

/**
 * Wall-clock time plus an offset that every `sleep` advances: a bounded ten-minute wait in the
 * fake account passes in a fraction of a second, yet each wait still takes a little real time
 * so a person (or a browser test) sees work progress live. For the fake account only.
 */
export class AcceleratedClock implements Clock {
  private offset = 0;

  constructor(private readonly realMsPerSleep = 80) {}

  now(): number {
    return Date.now() + this.offset;
  }

  readonly sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted();
    this.offset += ms;
    await delay(Math.min(ms, this.realMsPerSleep), undefined, signal ? { signal } : {});
  };
}
