import { describe, expect, it } from 'vitest';

import { rowRange } from './use-fixed-rows';

describe('rowRange (fixed-height rows to render for a scroll position)', () => {
  it('renders the visible rows and the overscan either side, within the list', () => {
    expect(rowRange(0, 320, 100_000, 20, 20)).toEqual({ start: 0, end: 37 });
    expect(rowRange(20 * 5_000 + 7, 320, 100_000, 20, 20)).toEqual({ start: 4_980, end: 5_037 });
    expect(rowRange(20 * 99_984, 320, 100_000, 20, 20)).toEqual({ start: 99_964, end: 100_000 });
  });

  it('clamps a stale scroll position past a list that shrank (a search) and empty views', () => {
    expect(rowRange(20 * 5_000, 320, 10, 20, 20)).toEqual({ start: 0, end: 10 });
    expect(rowRange(0, 0, 0, 20, 20)).toEqual({ start: 0, end: 0 });
  });
});
