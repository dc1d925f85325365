import { describe, expect, it } from 'vitest';

import { LogBuffer } from './log-buffer';
import { hitIndex, searchLog } from './log-search';

const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => `line ${from + i}`);
const all = (log: LogBuffer) => Array.from({ length: log.length }, (_, i) => log.get(i));

describe('LogBuffer (the monitor page’s log tail)', () => {
  it('appends a delta that continues the tail; line i is absolute line first + i', () => {
    const log = LogBuffer.of({ first: 40, lines: lines(40, 2) }).append({ first: 42, lines: lines(42, 3) });
    expect([log.first, log.length]).toEqual([40, 5]);
    expect(log.get(0)).toBe('line 40');
    expect(log.get(4)).toBe('line 44');
    expect(log.append({ first: 45, lines: [] })).toBe(log);
  });

  it('keeps the last `cap` lines: the front is dropped and `first` advances', () => {
    let log = LogBuffer.of({ first: 0, lines: [] }, 2_500);
    for (let first = 0; first < 10_000; first += 100) log = log.append({ first, lines: lines(first, 100) });
    expect([log.first, log.length]).toEqual([7_500, 2_500]);
    expect(log.get(0)).toBe('line 7500');
    expect(log.get(2_499)).toBe('line 9999');
    // A batch longer than the cap keeps its end.
    const big = log.append({ first: 10_000, lines: lines(10_000, 6_000) });
    expect([big.first, big.length, big.get(0), big.get(2_499)]).toEqual([13_500, 2_500, 'line 13500', 'line 15999']);
    expect(LogBuffer.of({ first: 5, lines: lines(5, 4) }, 3)).toMatchObject({ first: 6, length: 3 });
  });

  it('get out of range is undefined', () => {
    const log = LogBuffer.of({ first: 100, lines: ['a', 'b'] });
    expect([log.get(-1), log.get(2), log.get(100)]).toEqual([undefined, undefined, undefined]);
  });

  it('a delta that does not continue the tail (main’s ring dropped lines) restarts it there', () => {
    const log = LogBuffer.of({ first: 0, lines: ['a', 'b'] });
    const restarted = log.append({ first: 10, lines: ['k'] });
    expect([restarted.first, all(restarted)]).toEqual([10, ['k']]);
    expect(restarted.lineage).not.toBe(log.lineage);
    expect(log.append({ first: 2, lines: ['c'] }).lineage).toBe(log.lineage);
    // The old buffer is unchanged: the store may still render it.
    expect(all(log)).toEqual(['a', 'b']);
  });

  it('copies all lines or the ones at some indices', () => {
    const log = LogBuffer.of({ first: 3, lines: ['a', 'b', 'c'] });
    expect(log.text()).toBe('a\nb\nc');
    expect(log.text([0, 2])).toBe('a\nc');
  });
});

describe('searchLog (matching lines as indices into the buffer)', () => {
  const log = LogBuffer.of({ first: 0, lines: ['Loss 1', 'eval', 'loss 2', 'eval'] }, 5);

  it('finds the matching lines, case-insensitively', () => {
    const search = searchLog(undefined, log, 'loss');
    expect(search.hits.toArray()).toEqual([0, 2]);
    expect([hitIndex(search, log, 0), hitIndex(search, log, 1), hitIndex(search, log, 2)]).toEqual([0, 2, undefined]);
    expect(searchLog(search, log, 'loss')).toBe(search);
    expect(searchLog(search, log, 'eval').hits.toArray()).toEqual([1, 3]);
  });

  it('after a delta reads only the new lines, forgets matches dropped from the front, maps through `first`', () => {
    const search = searchLog(undefined, log, 'loss');
    const next = log.append({ first: 4, lines: ['loss 3', 'x', 'loss 4'] });
    expect(next.first).toBe(2);
    const resumed = searchLog(search, next, 'loss');
    expect(resumed.hits.toArray()).toEqual([2, 4, 6]);
    expect([hitIndex(resumed, next, 0), hitIndex(resumed, next, 2)]).toEqual([0, 4]);
    expect(next.get(hitIndex(resumed, next, 1) as number)).toBe('loss 3');
    expect(resumed.end).toBe(7);
  });

  it('searches a restarted tail from scratch', () => {
    const search = searchLog(undefined, log, 'loss');
    const restarted = log.append({ first: 1, lines: ['loss again'] });
    expect(searchLog(search, restarted, 'loss').hits.toArray()).toEqual([1]);
  });
});
