import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { crashBudget } from './crash-budget';

describe('the renderer crash budget', () => {
  it('reloads up to max times in the window, then stops until the window has passed', () => {
    const allow = crashBudget({ max: 3, windowMs: 60_000 });
    expect([0, 1_000, 2_000, 3_000].map(allow)).toEqual([true, true, true, false]);
    expect(allow(59_999)).toBe(false);
    expect(allow(60_000)).toBe(true);
  });

  it('never allows more than max reloads in any window (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 60 }), (gaps) => {
        const allow = crashBudget({ max: 3, windowMs: 10_000 });
        let now = 0;
        const allowed: number[] = [];
        for (const gap of gaps) {
          now += gap;
          if (allow(now)) allowed.push(now);
        }
        for (const at of allowed) {
          expect(allowed.filter((t) => t > at - 10_000 && t <= at).length).toBeLessThanOrEqual(3);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
